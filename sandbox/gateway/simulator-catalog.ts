import { servicePath } from "../apim/resources/arm-exchange";
import type { SimulatorStore } from "../apim/start-apim-simulator";
import { apisOf, operationsOf } from "../apim/store/api-relations";
import { policyAt, type PolicyScope } from "../apim/store/policy-scopes";
import type { GatewayBackend, GatewayCatalog, PolicyText } from "./gateway-catalog";

/**
 * The application (client) id of the service's system-assigned identity. ARM does not show
 * it; Azure puts it in the identity's tokens as `appid`. Made up, like the principal id.
 */
export const SYSTEM_IDENTITY_CLIENT_ID = "00000000-0000-0000-0000-00000000a91c";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The gateway's view of the simulator's store: APIs, their operations, products, the policy
 * of every scope, named values, backends, subscriptions and the service's identities. Read at
 * every call, so a change made through ARM (or behind Portcullis's back) applies to the next
 * request, as in APIM.
 */
export function simulatorCatalog(store: SimulatorStore): GatewayCatalog {
  const { state, service } = store;
  const policy = (scope: PolicyScope): PolicyText | undefined => {
    const record = policyAt(state, scope);
    return record ? { text: record.rawxml, format: "rawxml" } : undefined;
  };
  return {
    apis: () =>
      state.apis.list().map((record) => {
        const p = record.properties as {
          displayName?: string;
          path?: string;
          serviceUrl?: string | null;
          subscriptionRequired?: boolean;
          subscriptionKeyParameterNames?: { header?: string; query?: string };
        };
        return {
          id: record.name,
          name: p.displayName ?? record.name,
          path: p.path ?? "",
          serviceUrl: p.serviceUrl ?? null,
          subscriptionRequired: p.subscriptionRequired ?? true,
          subscriptionKeyHeader: p.subscriptionKeyParameterNames?.header ?? "Ocp-Apim-Subscription-Key",
          subscriptionKeyQuery: p.subscriptionKeyParameterNames?.query ?? "subscription-key",
        };
      }),
    operations: (apiId) =>
      operationsOf(state, apiId).map((record) => {
        const p = record.properties as { displayName?: string; method?: string; urlTemplate?: string };
        return {
          id: record.operationId,
          name: p.displayName ?? record.operationId,
          method: p.method ?? "GET",
          urlTemplate: p.urlTemplate ?? "/",
        };
      }),
    globalPolicy: () => policy({ kind: "service" }),
    productPolicy: (productId) => policy({ kind: "product", productId }),
    apiPolicy: (apiId) => policy({ kind: "api", apiId }),
    operationPolicy: (apiId, operationId) => policy({ kind: "operation", apiId, operationId }),
    productHasApi: (productId, apiId) => apisOf(state, productId).some((api) => same(api.name, apiId)),
    productName: (productId) => {
      const properties = state.products.get(productId)?.properties as { displayName?: string } | undefined;
      return properties?.displayName;
    },
    namedValue: (displayName) =>
      state.namedValues.list().find((record) => same(record.displayName, displayName))?.value,
    backend: (id) => {
      const record = state.backends.get(id);
      if (!record) return undefined;
      const { url, credentials } = record.properties as { url: string; credentials?: GatewayBackendCredentials };
      return {
        id: record.name,
        url,
        header: credentials?.header ?? {},
        query: credentials?.query ?? {},
        authorization: credentials?.authorization ?? null,
        managedIdentity: record.managedIdentity ?? null,
      } satisfies GatewayBackend;
    },
    identity: () => {
      const { identity } = store;
      return {
        serviceResourceId: servicePath(service),
        systemAssigned:
          identity.type.includes("SystemAssigned") && identity.principalId
            ? { principalId: identity.principalId, clientId: SYSTEM_IDENTITY_CLIENT_ID }
            : null,
        userAssigned: Object.entries(identity.userAssignedIdentities ?? {}).map(([resourceId, assigned]) => ({
          resourceId,
          principalId: assigned.principalId,
          clientId: assigned.clientId,
        })),
      };
    },
    subscriptionByKey: (key) => {
      const record = state.subscriptions
        .list()
        .find((candidate) => candidate.primaryKey === key || candidate.secondaryKey === key);
      return (
        record && { id: record.name, name: record.displayName, scope: record.scope, active: record.state === "active" }
      );
    },
  };
}

interface GatewayBackendCredentials {
  header?: Record<string, string[]>;
  query?: Record<string, string[]>;
  authorization?: { scheme: string; parameter: string } | null;
}
