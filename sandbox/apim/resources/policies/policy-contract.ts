import type { ExportFormat } from "../../policy/serialize-policy";
import type { PolicyRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/** Where a policy sits: its parent's path below the service (`""` for the service) and ARM type. */
export interface PolicyParent {
  /** e.g. `/apis/echo/operations/get`, spelled as the entities were created. */
  path: string;
  /** e.g. `Microsoft.ApiManagement/service/apis/operations/policies`. */
  type: string;
}

/**
 * PolicyContract at any scope; `format` says which serialisation `value` holds, as in the
 * recorded PUT response (recordings/azure-cli__test_apim_api_policy.yaml). Ids and types as
 * in the 2024-05-01 examples GetPolicy, GetProductPolicy, GetApiPolicy, GetApiOperationPolicy.
 */
export function policyContract(
  record: PolicyRecord,
  parent: PolicyParent,
  service: ServiceIdentity,
  format: ExportFormat,
): object {
  return {
    id: `${servicePath(service)}${parent.path}/policies/policy`,
    type: parent.type,
    name: "policy",
    properties: { format, value: format === "rawxml" ? record.rawxml : record.xml },
  };
}
