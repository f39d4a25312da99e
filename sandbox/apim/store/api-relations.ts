import type { ApimState } from "./apim-state";
import type { ApiRecord, OperationRecord, ProductRecord } from "./records";

/**
 * Who belongs to whom: the operations of an API, the products holding an API, the APIs of a
 * product — each in creation order, as APIM lists them. Identifiers compare case-insensitively.
 */
const sameAs = (id: string) => {
  const wanted = id.toLowerCase();
  return (other: string) => other.toLowerCase() === wanted;
};

export function operationsOf(state: ApimState, apiId: string): OperationRecord[] {
  const isApi = sameAs(apiId);
  return state.operations.list().filter((operation) => isApi(operation.apiId));
}

export function productsOf(state: ApimState, apiId: string): ProductRecord[] {
  const isApi = sameAs(apiId);
  return state.productApis
    .list()
    .filter((link) => isApi(link.apiId))
    .flatMap((link) => state.products.get(link.productId) ?? []);
}

export function apisOf(state: ApimState, productId: string): ApiRecord[] {
  const isProduct = sameAs(productId);
  return state.productApis
    .list()
    .filter((link) => isProduct(link.productId))
    .flatMap((link) => state.apis.get(link.apiId) ?? []);
}
