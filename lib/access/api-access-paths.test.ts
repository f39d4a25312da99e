import { describe, expect, it } from "vitest";
import type {
  ApiScopes,
  ApimApi,
  ApimOperation,
  ApimProduct,
  ApimService,
  InstanceScopes,
  ScopeRead,
  UnreadableScope,
} from "../apim";
import {
  API_KEY_HEADER,
  BEGIN,
  DEFAULT_GLOBAL,
  END,
  entraValidation,
  policy,
} from "../policy/effective/__fixtures__/scope-documents";
import type { ScopeDocument } from "../policy";
import { apiAccessPaths, apiScopesFromInstance, callInput, type ApiAccessScopes } from "./api-access-paths";

const AT = "2026-12-04T18:00:00.000Z";
const read = <T>(value: T, readAt = AT): ScopeRead<T> => ({ state: "read", value, readAt });
const refused = (what: string): ScopeRead<never> => ({ state: "unreadable", error: forbidden(what), readAt: AT });

function forbidden(what: string): UnreadableScope {
  return {
    code: "upstream",
    message: `ARM refused to read ${what}`,
    status: 403,
    armCode: "AuthorizationFailed",
    armMessage: `The client does not have authorization to perform action over ${what}.`,
    correlationId: "corr-1",
    requestIds: ["req-403"],
  };
}

/** A policy read as ARM returns it (`format=xml`), or none. */
const policyRead = (document: ScopeDocument | null) =>
  read(document === null ? null : { xml: (document as { text: string }).text, etag: '"e"' });

const service: ApimService = {
  gatewayUrl: "https://gw.example",
  gatewayOrigins: ["https://gw.example"],
  identity: { type: "SystemAssigned" },
};
const api = (subscriptionRequired: boolean | null = true): ApimApi => ({
  name: "chat",
  displayName: "Chat",
  path: "chat",
  serviceUrl: null,
  apiRevision: "1",
  isCurrent: true,
  apiVersion: null,
  apiType: "http",
  subscriptionRequired,
  subscriptionKeyHeader: "Ocp-Apim-Subscription-Key",
});
const product = (name: string, subscriptionRequired = true): ApimProduct => ({
  name,
  displayName: name.toUpperCase(),
  description: null,
  subscriptionRequired,
  approvalRequired: null,
  state: "published",
});
const operation = (name: string): ApimOperation => ({
  name,
  displayName: name,
  method: "POST",
  urlTemplate: `/${name}`,
});

/** The API policy with the Portcullis block: an entra validation, the caller's token dropped, an api-key header. */
const managedApi = policy({
  inbound: [
    "<base />",
    BEGIN,
    entraValidation(),
    '<set-header name="Authorization" exists-action="delete" />',
    API_KEY_HEADER,
    END,
  ],
});
const withoutBase = policy({ inbound: ['<set-backend-service backend-id="other" />'] });
const rateLimited = policy({ inbound: ["<base />", '<rate-limit calls="5" renewal-period="60" />'] });

function scopes(overrides: Partial<ApiAccessScopes> = {}): ApiAccessScopes {
  return {
    service: read(service),
    globalPolicy: policyRead(DEFAULT_GLOBAL),
    api: read(api()),
    products: read([{ product: product("standard"), policy: policyRead(rateLimited) }]),
    policy: policyRead(managedApi),
    operations: read([
      { operation: operation("plain"), policy: policyRead(null) },
      { operation: operation("limited"), policy: policyRead(rateLimited) },
      { operation: operation("unchecked"), policy: policyRead(withoutBase) },
    ]),
    ...overrides,
  };
}

describe("apiAccessPaths", () => {
  it("has a path per product holding the API and one through no product, each with its own pipeline and subscription", () => {
    const access = apiAccessPaths("chat", scopes());
    expect(access.paths.map((path) => [path.key, path.label, path.subscriptionRequired])).toEqual([
      ["standard", "product 'STANDARD' (subscription key required)", true],
      ["", "no product (an API-scoped or all-APIs subscription key)", true],
    ]);
    const [throughProduct, direct] = access.paths;
    expect(throughProduct!.pipeline.productId).toBe("standard");
    expect(throughProduct!.pipeline.sections.inbound.statements.map((statement) => statement.element)).toContain(
      "rate-limit",
    );
    expect(direct!.pipeline.productId).toBeNull();
    expect(direct!.pipeline.sections.inbound.statements.map((statement) => statement.element)).not.toContain(
      "rate-limit",
    );
    expect(access.unreadable).toEqual([]);
    expect(access.notConcluded).toEqual([]);
    expect([access.readFrom, access.readTo]).toEqual([AT, AT]);
  });

  it("lists only the operations whose own policy changes the outcome, with the finding that says how", () => {
    const access = apiAccessPaths("chat", scopes());
    for (const path of access.paths) {
      expect(path.analysis.findings).toEqual([]);
      expect(path.operations.map((entry) => entry.operation.name)).toEqual(["unchecked"]);
      const [unchecked] = path.operations;
      expect(unchecked!.analysis.findings.map((finding) => [finding.code, finding.severity, finding.scope])).toEqual(
        expect.arrayContaining([
          ["caller-validation-skipped", "blocking", "operation"],
          ["managed-statements-skipped", "blocking", "operation"],
        ]),
      );
      expect(unchecked!.differences).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^also runs <set-backend-service> on line 3 of the operation policy$/),
          expect.stringMatching(/^does not run <validate-azure-ad-token> on line 5 of the API policy$/),
          expect.stringMatching(/^finding caller-validation-skipped: /),
        ]),
      );
    }
    expect(access.blocking).toBe(true);
  });

  it("says no product needs no subscription key when the API requires none, so anyone can call an unchecked API", () => {
    const access = apiAccessPaths(
      "chat",
      scopes({ api: read(api(false)), products: read([]), policy: policyRead(null), operations: read([]) }),
    );
    expect(access.paths).toHaveLength(1);
    expect(access.paths[0]!.label).toBe("no product (no subscription key required)");
    expect(access.paths[0]!.analysis.findings.map((finding) => finding.code)).toEqual(["anyone-can-call"]);
  });

  it("shows a refused scope as unreadable with ARM's status and request id, and concludes nothing it could not see", () => {
    const access = apiAccessPaths("chat", scopes({ globalPolicy: refused("the global policy") }));
    expect(access.unreadable).toEqual([
      { what: "the global policy", error: forbidden("the global policy"), readAt: AT },
    ]);
    for (const path of access.paths) {
      const global = path.pipeline.scopes.find((report) => report.scope === "global");
      expect(global).toMatchObject({ status: "unreadable", armStatus: 403, requestId: "req-403" });
      expect(global!.reason).toContain("ARM answered 403 AuthorizationFailed");
      expect(path.analysis.notConcluded.map((entry) => entry.code)).toContain("anyone-can-call");
    }
  });

  it("without the products it has only the path through no product, and says calls through a product are not analysed", () => {
    const access = apiAccessPaths("chat", scopes({ products: refused("the products") }));
    expect(access.paths.map((path) => path.key)).toEqual([""]);
    expect(access.notConcluded).toEqual([
      { code: "product-paths", reason: expect.stringContaining("ARM answered 403 AuthorizationFailed") },
    ]);
    expect(access.unreadable.map((entry) => entry.what)).toEqual(["the products holding the API"]);
  });

  it("lists an operation whose policy cannot be read, and says which conclusion an unread operation list prevents", () => {
    const unreadableOperation = apiAccessPaths(
      "chat",
      scopes({ operations: read([{ operation: operation("secret"), policy: refused("the operation policy") }]) }),
    );
    expect(unreadableOperation.paths[0]!.operations[0]!.differences).toEqual([
      expect.stringMatching(/^its policy could not be read \(ARM answered 403 .*request id req-403\)/),
    ]);
    const noOperations = apiAccessPaths("chat", scopes({ operations: refused("the operations") }));
    expect(noOperations.notConcluded.map((entry) => entry.code)).toEqual(["operation-differences"]);
  });

  it("has no paths for an API that no longer exists, and says so", () => {
    const access = apiAccessPaths("chat", scopes({ api: read(null) }));
    expect(access.paths).toEqual([]);
    expect(access.notConcluded.map((entry) => entry.code)).toEqual(["api-gone"]);
  });

  it("checks the profile's named value against the service's named values", () => {
    const profile = {
      backendAuth: { mode: "apiKey", headerName: "api-key", namedValue: "openai-key" },
      callerAuth: { mode: "none" },
    } as const;
    const missing = apiAccessPaths("chat", scopes(), { profile: profile as never, namedValues: read([]) });
    expect(missing.paths[0]!.analysis.findings.map((finding) => finding.code)).toContain("named-value-missing");
    const present = apiAccessPaths("chat", scopes(), {
      profile: profile as never,
      namedValues: read([
        { name: "nv1", displayName: "openai-key", secret: true, tags: [], keyVault: null, provisioningState: null },
      ]),
    });
    expect(present.paths[0]!.analysis.findings.map((finding) => finding.code)).not.toContain("named-value-missing");
  });
});

describe("callInput", () => {
  it("composes one call through a product to an operation, and names an unknown product or operation", () => {
    const call = callInput("chat", scopes(), {}, { productName: "standard", operationName: "unchecked" });
    expect(call).toMatchObject({ ok: true, product: { name: "standard" }, operation: { name: "unchecked" } });
    if (!call.ok) throw new Error("expected a call");
    expect(call.input.product?.id).toBe("standard");
    expect(call.input.operation?.id).toBe("unchecked");
    expect(call.facts).toMatchObject({ subscriptionRequired: true, serviceIdentity: service.identity });
    expect(callInput("chat", scopes(), {}, { productName: "gold" })).toEqual({
      ok: false,
      field: "productId",
      message: "no product 'gold' holds this API",
    });
    expect(callInput("chat", scopes(), {}, { operationName: "nope" })).toEqual({
      ok: false,
      field: "operationId",
      message: "the API has no operation 'nope'",
    });
  });
});

describe("apiScopesFromInstance", () => {
  it("takes the products whose API list names the API, and marks those whose list could not be read", () => {
    const chat: ApiScopes = { api: api(), policy: policyRead(managedApi), operations: read([]) };
    const instance: InstanceScopes = {
      service: read(service),
      globalPolicy: policyRead(DEFAULT_GLOBAL),
      products: read([
        { product: product("standard"), apis: read(["chat", "other"]), policy: policyRead(rateLimited) },
        { product: product("premium"), apis: read(["other"]), policy: policyRead(null) },
        { product: product("hidden"), apis: refused("the APIs of hidden"), policy: policyRead(null) },
      ]),
      apis: read([chat]),
      requests: 0,
    };
    const access = apiAccessPaths("chat", apiScopesFromInstance(instance, chat));
    expect(access.paths.map((path) => path.key)).toEqual(["standard", ""]);
    expect(access.notConcluded).toEqual([
      { code: "product-paths", reason: expect.stringContaining("whether product 'HIDDEN' holds the API") },
    ]);
    expect(access.unreadable.map((entry) => entry.what)).toEqual(["the APIs of product 'HIDDEN'"]);
  });
});
