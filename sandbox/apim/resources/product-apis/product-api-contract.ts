import type { ApiRecord, ProductRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/** An API listed below a product (2024-05-01 ListProductApis): the API's contract at the link's id and type. */
export function productApiContract(product: ProductRecord, api: ApiRecord, service: ServiceIdentity): object {
  return {
    id: `${servicePath(service)}/products/${product.name}/apis/${api.name}`,
    type: "Microsoft.ApiManagement/service/products/apis",
    name: api.name,
    properties: api.properties,
  };
}
