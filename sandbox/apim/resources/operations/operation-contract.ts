import type { OperationRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/** OperationContract (2024-05-01 CreateApiOperation, ListApiOperations). */
export function operationContract(record: OperationRecord, service: ServiceIdentity): object {
  return {
    id: `${servicePath(service)}/apis/${record.apiId}/operations/${record.operationId}`,
    type: "Microsoft.ApiManagement/service/apis/operations",
    name: record.operationId,
    properties: record.properties,
  };
}
