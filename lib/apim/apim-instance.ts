/** One APIM service and the ARM endpoint that manages it (Azure, or the sandbox simulator). */
export interface ApimInstance {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  /** e.g. `https://management.azure.com`; the simulator's own HTTPS URL in sandbox mode. */
  armEndpoint: string;
}

/** The ARM URL of the service, `{armEndpoint}/subscriptions/…/service/{serviceName}`. */
export function serviceUrl(instance: ApimInstance): string {
  const base = instance.armEndpoint.replace(/\/+$/, "");
  const segments = [
    "subscriptions",
    instance.subscriptionId,
    "resourceGroups",
    instance.resourceGroup,
    "providers",
    "Microsoft.ApiManagement",
    "service",
    instance.serviceName,
  ];
  return `${base}/${segments.map(encodeURIComponent).join("/")}`;
}
