import type { ApimClient } from "../apim-client";
import type { ArmCallOptions } from "../call/arm-call";
import { limitConcurrency } from "../concurrency/limit-concurrency";
import type { ApimOperation } from "../operations/api-operations";
import type { ApimApi } from "../operations/apis";
import type { ApimProduct } from "../operations/products";
import type { ScopePolicy } from "../operations/scope-policy";
import type { ApimService } from "../operations/service";
import { readList } from "./read-list";
import { ScopeReader, type ScopeRead } from "./scope-read";

export interface ScopeReadOptions extends ArmCallOptions {
  /** ARM calls in flight at most (default 32). */
  concurrency?: number;
}

/** A policy document read from ARM: present (with its ETag), null when the scope has none. */
export type PolicyRead = ScopeRead<ScopePolicy | null>;

export interface OperationScopes {
  operation: ApimOperation;
  policy: PolicyRead;
}

export interface ApiScopes {
  api: ApimApi;
  policy: PolicyRead;
  operations: ScopeRead<OperationScopes[]>;
}

export interface ProductScopes {
  product: ApimProduct;
  /** Names of the (current revisions of the) APIs the product holds. */
  apis: ScopeRead<string[]>;
  policy: PolicyRead;
}

/** Every scope of an instance, as an access matrix needs them. */
export interface InstanceScopes {
  service: ScopeRead<ApimService>;
  globalPolicy: PolicyRead;
  products: ScopeRead<ProductScopes[]>;
  /** Current revisions only: a policy belongs to the API, not to a revision. */
  apis: ScopeRead<ApiScopes[]>;
  /** HTTP requests sent, retries included (see lib/apim/README.md for the minimum). */
  requests: number;
}

/** The scopes every API of an instance shares: what a call runs before and around the API's own. */
export type SharedInstanceScopes = Pick<InstanceScopes, "service" | "globalPolicy" | "products">;

export interface InstanceScopeReadOptions extends ScopeReadOptions {
  /**
   * Called as soon as an API and everything below it (its policy, operations and theirs) has
   * been read, with the shared scopes still arriving, so a caller can analyse each API while
   * the others are read instead of after the last one.
   */
  onApi?: (api: ApiScopes, shared: Promise<SharedInstanceScopes>) => void;
}

/** Revisions other than the current one are listed with `;rev=n` names. */
export const isCurrentRevision = (api: ApimApi) => api.isCurrent && !api.name.includes(";rev=");

/**
 * Reads every scope of an instance — the service (gateway URL, identities), the global policy,
 * each product with its APIs and policy, each API with its policy and operations, and each
 * operation's policy — in one pipeline under one concurrency limit: every read starts as soon
 * as what it depends on has arrived (a page of a list is enough), so no round waits for
 * another that it does not need. A scope ARM refuses is `unreadable`; the others are still read.
 */
export async function readInstanceScopes(
  apim: ApimClient,
  options: InstanceScopeReadOptions = {},
): Promise<InstanceScopes> {
  const { concurrency = 32, onApi, ...call } = options;
  const reader = new ScopeReader(limitConcurrency(concurrency), call);
  const policy = (scope: Parameters<ApimClient["getScopePolicy"]>[0]) =>
    reader.read((options) => apim.getScopePolicy(scope, options));

  const readOperation = async (apiName: string, operation: ApimOperation): Promise<OperationScopes> => ({
    operation,
    policy: await policy({ kind: "operation", apiName, operationName: operation.name }),
  });
  const readApi = async (api: ApimApi): Promise<ApiScopes> => {
    const [apiPolicy, operations] = await Promise.all([
      policy({ kind: "api", apiName: api.name }),
      readList(
        reader,
        (options) => apim.listApiOperations(api.name, options),
        (operation: ApimOperation) => readOperation(api.name, operation),
      ),
    ]);
    const scopes = { api, policy: apiPolicy, operations };
    onApi?.(scopes, shared);
    return scopes;
  };
  const readProduct = async (product: ApimProduct): Promise<ProductScopes> => {
    const [apis, productPolicy] = await Promise.all([
      reader.read(async (options) => {
        const { value, trace } = await apim.listProductApis(product.name, options);
        return { value: value.filter(isCurrentRevision).map((api) => api.name), trace };
      }),
      policy({ kind: "product", productName: product.name }),
    ]);
    return { product, apis, policy: productPolicy };
  };

  const sharedReads = [
    reader.read((options) => apim.getService(options)),
    policy({ kind: "service" }),
    readList(reader, (options) => apim.listProducts(options), readProduct),
  ] as const;
  const shared = Promise.all(sharedReads).then(([service, globalPolicy, products]) => ({
    service,
    globalPolicy,
    products,
  }));
  const [{ service, globalPolicy, products }, apis] = await Promise.all([
    shared,
    readList(reader, (options) => apim.listApis(options), readApi, isCurrentRevision),
  ]);
  return { service, globalPolicy, products, apis, requests: reader.requests };
}
