import type { ExportFormat } from "../../policy/serialize-policy";
import type { PolicyRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/**
 * PolicyContract of an API's policy; `format` says which serialisation `value` holds, as
 * in the recorded PUT response (recordings/azure-cli__test_apim_api_policy.yaml).
 */
export function apiPolicyContract(record: PolicyRecord, service: ServiceIdentity, format: ExportFormat): object {
  return {
    id: `${servicePath(service)}/apis/${record.name}/policies/policy`,
    type: "Microsoft.ApiManagement/service/apis/policies",
    name: "policy",
    properties: { format, value: format === "rawxml" ? record.rawxml : record.xml },
  };
}
