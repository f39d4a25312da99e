import type { ApimState } from "./apim-state";
import type { ApiRecord, OperationRecord, ProductRecord } from "./records";

/**
 * Who belongs to whom: the operations of an API, the products holding an API, the APIs of a
 * product — each in creation order, as APIM lists them. Identifiers compare case-insensitively.
 */
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function operationsOf(state: ApimState, apiId: string): OperationRecord[] {
  return state.operations.list().filter((operation) => same(operation.apiId, apiId));
}

export function productsOf(state: ApimState, apiId: string): ProductRecord[] {
  return state.productApis
    .list()
    .filter((link) => same(link.apiId, apiId))
    .flatMap((link) => state.products.get(link.productId) ?? []);
}

export function apisOf(state: ApimState, productId: string): ApiRecord[] {
  return state.productApis
    .list()
    .filter((link) => same(link.productId, productId))
    .flatMap((link) => state.apis.get(link.apiId) ?? []);
}
