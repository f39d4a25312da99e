import { formatEtag } from "../arm/etag";
import { servicePath, type ArmRequest, type ArmResponse, type SimulatorContext } from "./arm-exchange";

/**
 * GET of the APIM service itself (ApiManagementServiceResource). The simulator never
 * changes the service, so its ETag is constant; the values are made up for the sandbox
 * in the shape of a Developer-tier instance with a system-assigned identity.
 */
export function getService(context: SimulatorContext, request: ArmRequest): ArmResponse {
  const { service } = context;
  const etag = formatEtag(1n);
  const host = `${service.serviceName}.azure-api.net`;
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
      gatewayUrl: `https://${host}`,
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
    identity: {
      type: "SystemAssigned",
      principalId: "00000000-0000-0000-0000-00000000a91d",
      tenantId: "00000000-0000-0000-0000-0000000000aa",
    },
    systemData: { createdBy: "sandbox", createdByType: "Application", createdAt: "2024-01-01T00:00:00Z" },
  };
  return request.method === "HEAD" ? { status: 200, etag } : { status: 200, etag, body };
}
