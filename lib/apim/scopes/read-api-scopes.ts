import type { ApimClient } from "../apim-client";
import { limitConcurrency } from "../concurrency/limit-concurrency";
import type { ApimOperation } from "../operations/api-operations";
import type { ApimApi } from "../operations/apis";
import type { ApimProduct } from "../operations/products";
import type { ApimService } from "../operations/service";
import type { OperationScopes, PolicyRead, ScopeReadOptions } from "./read-instance-scopes";
import { readList } from "./read-list";
import { ScopeReader, type ScopeRead } from "./scope-read";

/** Every scope a call to one API runs through, read on demand for its page. */
export interface ApiScopesRead {
  service: ScopeRead<ApimService>;
  globalPolicy: PolicyRead;
  /** The API itself (its `subscriptionRequired`); null when it no longer exists. */
  api: ScopeRead<ApimApi | null>;
  /** The products holding the API, each with its policy. */
  products: ScopeRead<Array<{ product: ApimProduct; policy: PolicyRead }>>;
  policy: PolicyRead;
  operations: ScopeRead<OperationScopes[]>;
  /** HTTP requests sent, retries included (see lib/apim/README.md for the minimum). */
  requests: number;
}

/**
 * Reads the scopes of one API: the service (identities), the global policy, the API, the
 * products holding it (one list, `/apis/{id}/products`) and their policies, the API's policy,
 * its operations and their policies — all started at once, each dependent read as soon as its
 * list page arrives (two rounds when the lists fit one page).
 */
export async function readApiScopes(
  apim: ApimClient,
  apiName: string,
  options: ScopeReadOptions = {},
): Promise<ApiScopesRead> {
  const { concurrency = 16, ...call } = options;
  const reader = new ScopeReader(limitConcurrency(concurrency), call);
  const policy = (scope: Parameters<ApimClient["getScopePolicy"]>[0]) =>
    reader.read((options) => apim.getScopePolicy(scope, options));

  const [service, globalPolicy, api, products, apiPolicy, operations] = await Promise.all([
    reader.read((options) => apim.getService(options)),
    policy({ kind: "service" }),
    reader.read(async (options) => {
      const { value, trace } = await apim.getApi(apiName, options);
      if (value === null) return { value, trace };
      const { etag: _etag, ...api } = value;
      return { value: api, trace };
    }),
    readList(
      reader,
      (options) => apim.listApiProducts(apiName, options),
      async (product: ApimProduct) => ({
        product,
        policy: await policy({ kind: "product", productName: product.name }),
      }),
    ),
    policy({ kind: "api", apiName }),
    readList(
      reader,
      (options) => apim.listApiOperations(apiName, options),
      async (operation: ApimOperation) => ({
        operation,
        policy: await policy({ kind: "operation", apiName, operationName: operation.name }),
      }),
    ),
  ]);
  return { service, globalPolicy, api, products, policy: apiPolicy, operations, requests: reader.requests };
}
