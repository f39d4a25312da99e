import type { NamedValueRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/**
 * NamedValueContract as recorded (recordings/azure-cli__test_apim_named_value.yaml and
 * examples/2022-08-01/ApiManagementCreateNamedValue*.json): a secret or Key Vault value is
 * never part of it — only `POST …/listValue` reveals values.
 */
export function namedValueContract(record: NamedValueRecord, service: ServiceIdentity): object {
  const showValue = !record.secret && record.keyVault === undefined;
  return {
    id: `${servicePath(service)}/namedValues/${record.name}`,
    type: "Microsoft.ApiManagement/service/namedValues",
    name: record.name,
    properties: {
      displayName: record.displayName,
      ...(showValue ? { value: record.value } : {}),
      ...(record.keyVault === undefined ? {} : { keyVault: record.keyVault }),
      ...(record.tags.length === 0 ? {} : { tags: record.tags }),
      secret: record.secret,
    },
  };
}
