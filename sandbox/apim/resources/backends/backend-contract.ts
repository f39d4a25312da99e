import type { ApiVersion } from "../../arm/api-versions";
import { isPreview } from "../../arm/api-versions";
import type { BackendRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/**
 * BackendContract in the recorded order (title, description, url, protocol, …;
 * recordings/azure-sdk-for-js__recording_backend_create_test1.json, which also shows
 * `"title": null` when none was set). `credentials.managedIdentity` appears only on a
 * preview api-version: the stable contracts do not have it.
 */
export function backendContract(record: BackendRecord, service: ServiceIdentity, apiVersion: ApiVersion): object {
  const { title = null, description, url, protocol, credentials, ...rest } = record.properties;
  const withIdentity = isPreview(apiVersion) && record.managedIdentity !== undefined;
  const shownCredentials = withIdentity
    ? { ...(credentials as object | undefined), managedIdentity: record.managedIdentity }
    : credentials;
  return {
    id: `${servicePath(service)}/backends/${record.name}`,
    type: "Microsoft.ApiManagement/service/backends",
    name: record.name,
    properties: {
      title,
      ...(description === undefined ? {} : { description }),
      url,
      protocol,
      ...(shownCredentials === undefined ? {} : { credentials: shownCredentials }),
      ...rest,
    },
  };
}
