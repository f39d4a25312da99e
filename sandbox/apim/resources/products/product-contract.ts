import type { ProductRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/**
 * ProductContract (2024-05-01 CreateProduct, ListProducts). Listed below an API
 * (`/apis/{id}/products`) the same product carries the type `…/apis/products`, as in
 * ListApiProducts; its id stays the product's own.
 */
export function productContract(
  record: ProductRecord,
  service: ServiceIdentity,
  type = "Microsoft.ApiManagement/service/products",
): object {
  return {
    id: `${servicePath(service)}/products/${record.name}`,
    type,
    name: record.name,
    properties: record.properties,
  };
}
