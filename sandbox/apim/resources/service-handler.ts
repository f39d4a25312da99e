import { formatEtag } from "../arm/etag";
import { servicePath, type ArmRequest, type ArmResponse, type SimulatorContext } from "./arm-exchange";

/**
 * GET of the APIM service itself (ApiManagementServiceResource, 2024-05-01
 * ApiManagementServiceGetService). The simulator never changes the service, so its ETag is
 * constant; the values are made up for the sandbox in the shape of a Developer-tier
 * instance. `gatewayUrl` and `identity` come from the simulator's options: the sandbox's
 * gateway and the managed identities it runs with.
 */
export function getService(context: SimulatorContext, request: ArmRequest): ArmResponse {
  const { service } = context;
  const etag = formatEtag(1n);
  const host = new URL(context.gatewayUrl).hostname;
  const body = {
    id: servicePath(service),
    name: service.serviceName,
    type: "Microsoft.ApiManagement/service",
    tags: {},
    location: service.location,
    etag,
    properties: {
      publisherEmail: "sandbox@portcullis.invalid",
      publisherName: "Portcullis sandbox",
      notificationSenderEmail: "apimgmt-noreply@mail.windowsazure.com",
      provisioningState: "Succeeded",
      targetProvisioningState: "",
      createdAtUtc: "2024-01-01T00:00:00Z",
      gatewayUrl: context.gatewayUrl,
      portalUrl: `https://${service.serviceName}.portal.azure-api.net`,
      managementApiUrl: `https://${service.serviceName}.management.azure-api.net`,
      developerPortalUrl: `https://${service.serviceName}.developer.azure-api.net`,
      hostnameConfigurations: [
        {
          type: "Proxy",
          hostName: host,
          negotiateClientCertificate: false,
          defaultSslBinding: true,
          certificateSource: "BuiltIn",
        },
      ],
      virtualNetworkType: "None",
      disableGateway: false,
      apiVersionConstraint: {},
      publicNetworkAccess: "Enabled",
      platformVersion: "stv2",
    },
    sku: { name: "Developer", capacity: 1 },
    identity: context.identity,
    systemData: { createdBy: "sandbox", createdByType: "Application", createdAt: "2024-01-01T00:00:00Z" },
  };
  return request.method === "HEAD" ? { status: 200, etag } : { status: 200, etag, body };
}
