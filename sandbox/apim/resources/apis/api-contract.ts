import type { ApiRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/** ApiContract; the stored properties are already in the recorded order (see api-handlers.ts). */
export function apiContract(record: ApiRecord, service: ServiceIdentity): object {
  return {
    id: `${servicePath(service)}/apis/${record.name}`,
    type: "Microsoft.ApiManagement/service/apis",
    name: record.name,
    properties: record.properties,
  };
}
