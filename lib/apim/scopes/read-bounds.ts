import type { InstanceScopes } from "./read-instance-scopes";

/**
 * How few ARM requests, and how few round trips one after another, reading every scope can
 * take (lib/apim/README.md states the formulas). Tests hold the readers to the request
 * minimum; the benchmark compares wall time with the round-trip bound.
 */

/** What the bounds depend on: how many of each thing the instance has, in list order. */
export interface InstanceShape {
  products: number;
  /** Per product, in list order: the APIs it holds. */
  productApis: number[];
  apis: number;
  /** Per API, in list order: its operations. */
  apiOperations: number[];
}

/** Requests to list `items` in pages of `pageSize`: one at least, even for an empty list. */
export function listRequests(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

/**
 * 2 (service GET, global policy) + pages(P) + Σ_p pages(A_p) + P (product policies)
 * + pages(A) + A (API policies) + Σ_a pages(O_a) + O (operation policies).
 */
export function minimumInstanceReadRequests(shape: InstanceShape, pageSize: number): number {
  const pages = (items: number) => listRequests(items, pageSize);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return (
    2 +
    pages(shape.products) +
    sum(shape.productApis.map(pages)) +
    shape.products +
    pages(shape.apis) +
    shape.apis +
    sum(shape.apiOperations.map(pages)) +
    sum(shape.apiOperations)
  );
}

/**
 * The longest chain of requests that must follow one another: the item at index i of a list
 * arrives with page ⌊i/S⌋+1; its own lists and its policy follow, and an operation's policy
 * follows the page that lists the operation.
 */
export function dependencyRounds(shape: InstanceShape, pageSize: number): number {
  const pages = (items: number) => listRequests(items, pageSize);
  const arrival = (index: number) => Math.floor(index / pageSize) + 1;
  const products = shape.productApis.map((apis, index) => arrival(index) + Math.max(pages(apis), 1));
  const apis = shape.apiOperations.map(
    (operations, index) => arrival(index) + (operations === 0 ? 1 : pages(operations) + 1),
  );
  return Math.max(1, ...products, ...apis);
}

/** The wall-time lower bound at `latencyMs` per request and `concurrency` requests in flight. */
export function lowerBoundMs(shape: InstanceShape, pageSize: number, concurrency: number, latencyMs: number): number {
  const rounds = Math.max(
    dependencyRounds(shape, pageSize),
    Math.ceil(minimumInstanceReadRequests(shape, pageSize) / concurrency),
  );
  return rounds * latencyMs;
}

/** The shape of what a read found (exact when the instance has no API revisions: those are left out). */
export function shapeOf(scopes: InstanceScopes): InstanceShape {
  const products = scopes.products.state === "read" ? scopes.products.value : [];
  const apis = scopes.apis.state === "read" ? scopes.apis.value : [];
  return {
    products: products.length,
    productApis: products.map((product) => (product.apis.state === "read" ? product.apis.value.length : 0)),
    apis: apis.length,
    apiOperations: apis.map((api) => (api.operations.state === "read" ? api.operations.value.length : 0)),
  };
}

/** 4 (service GET, global policy, API GET, API policy) + pages(P_a) + P_a + pages(O_a) + O_a. */
export function minimumApiReadRequests(shape: { products: number; operations: number }, pageSize: number): number {
  return (
    4 +
    listRequests(shape.products, pageSize) +
    shape.products +
    listRequests(shape.operations, pageSize) +
    shape.operations
  );
}
