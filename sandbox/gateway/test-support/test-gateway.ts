import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { ARM_AUDIENCE, type SandboxCoordinates } from "../../sandbox-coordinates";
import { startSandbox, type RunningSandbox } from "../../start-sandbox";
import { ROLE_ASSIGNMENT_API_VERSION } from "../../apim/resources/role-assignments/role-assignment-handlers";
import type { ModelCall } from "../../model/model-call-log";
import type { GatewayStats } from "../start-sandbox-gateway";
import { COGNITIVE_SERVICES_OPENAI_USER } from "../../model/model-roles";
import { clientCredentialsToken } from "../../../test/support/client-credentials-token";

/**
 * The whole sandbox for one integration test file, started the way `npm start` starts it
 * (identity provider, APIM simulator, model backend and gateway over HTTPS with the run's
 * test CA), with helpers to get real tokens, change the simulated service through ARM, call
 * the gateway and read what the model saw. Used by the gateway's tests and by anything that
 * needs the gateway (verification, the differential test).
 */
export interface GatewayResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface TestGateway {
  sandbox: RunningSandbox;
  /** The sandbox's data directory (its identity state holds the tenants' signing keys). */
  dataDir: string;
  coordinates: SandboxCoordinates;
  /** `https://localhost:{port}` of the gateway. */
  gatewayUrl: string;
  /** A client-credentials token from the sandbox identity provider (home tenant unless said). */
  token(client: { clientId: string; clientSecret: string }, scope: string, tenant?: "home" | "other"): Promise<string>;
  /** A token of caller client `index` (0: holds LLM.Chat, allowed by the seeded policy; 1: none) for the LLM APIs. */
  callerToken(index?: number): Promise<string>;
  /** Calls the gateway: `path` like `/models/chat/completions?api-version=…`. */
  call(
    path: string,
    options?: { method?: string; headers?: Record<string, string>; body?: unknown },
  ): Promise<GatewayResponse>;
  /** An ARM request to the simulated service (path relative to the service), as the automation client. */
  arm(
    method: string,
    servicePath: string,
    body?: unknown,
    options?: { apiVersion?: string; ifMatch?: string },
  ): Promise<GatewayResponse>;
  /**
   * Replaces the policy at a scope through ARM (format rawxml): `scope` is the path below the
   * service, "" for the global policy, e.g. `/products/llm-standard` or `/apis/a/operations/o`.
   */
  putPolicy(scope: string, xml: string): Promise<void>;
  /** Replaces an API's policy through ARM (format rawxml). */
  putApiPolicy(apiId: string, xml: string): Promise<void>;
  /** Creates or replaces an API through ARM. */
  putApi(apiId: string, properties: Record<string, unknown>): Promise<void>;
  /** Creates or replaces an operation of an API through ARM (`urlTemplate` like `/chat/completions`). */
  putOperation(apiId: string, operationId: string, operation: { method: string; urlTemplate: string }): Promise<void>;
  /** Sets a named value's plain value through ARM (e.g. behind Portcullis's back). */
  putNamedValue(name: string, value: string, secret?: boolean): Promise<void>;
  /** The primary key of a seeded subscription: `sandbox-all-apis` (the default) or `sandbox-llm-standard`. */
  subscriptionKey(name?: string): string;
  /** What the model backend saw after sequence number `since`. */
  modelCalls(since?: number): Promise<ModelCall[]>;
  /** Sets the key a model account accepts (a regeneration on the model's side). */
  setModelKey(account: string, key: string): Promise<void>;
  /**
   * Assigns "Cognitive Services OpenAI User" on a model account (`portcullis-sandbox-aoai` or
   * `portcullis-sandbox-foundry`) to a principal through ARM, as an administrator does; answers
   * the assignment's name.
   */
  grantModelRole(principalId: string, account: string): Promise<string>;
  /** Deletes a role assignment on a model account through ARM. */
  revokeModelRole(name: string, account: string): Promise<void>;
  /** Removes the principal's role assignments (the simulator's `/_sandbox/role-assignments` control). */
  removeRoleAssignments(principalId: string): Promise<void>;
  /** How often the gateway fetched OpenID configurations and managed identity tokens. */
  stats(): GatewayStats;
  close(): Promise<void>;
}

export async function startTestGateway(): Promise<TestGateway> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-gateway-"));
  const sandbox = await startSandbox({
    dataDir,
    appUrl: "http://localhost:3999",
    identityPort: 0,
    armPort: 0,
    gatewayPort: 0,
    roleNames: { admin: "Portcullis.Admin", reviewer: "Portcullis.Reviewer", reader: "Portcullis.Reader" },
    tlsDir: inject("sandboxTlsDir"),
    simulator: { lro: { polls: 0 } },
  });
  const c = sandbox.coordinates;
  const tokens = new Map<string, string>();

  const token: TestGateway["token"] = async (client, scope, tenant = "home") => {
    const tenantId = tenant === "home" ? c.tenantId : sandbox.identityProvider.otherTenant.tenantId;
    return clientCredentialsToken({ authorityHost: c.authorityHost, tenantId }, client, scope);
  };
  const armToken = async () => {
    const cached = tokens.get("arm");
    if (cached) return cached;
    const fresh = await token(c.automationClient, `${ARM_AUDIENCE}.default`);
    tokens.set("arm", fresh);
    return fresh;
  };
  const read = async (response: Response): Promise<GatewayResponse> => {
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  const servicePath = `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ApiManagement/service/${c.serviceName}`;
  const arm: TestGateway["arm"] = (method, relative, body, { apiVersion = "2024-06-01-preview", ifMatch } = {}) =>
    armAt(method, `${servicePath}${relative}`, body, apiVersion, ifMatch);
  const armAt = async (method: string, path: string, body: unknown, apiVersion: string, ifMatch?: string) => {
    const url = new URL(path, c.armEndpoint);
    url.searchParams.set("api-version", apiVersion);
    return read(
      await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${await armToken()}`,
          "content-type": "application/json",
          ...(ifMatch === undefined ? {} : { "if-match": ifMatch }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  };
  const expectOk = (what: string, response: GatewayResponse) => {
    if (response.status >= 300) throw new Error(`${what}: ${response.status} ${response.text}`);
  };
  const roleAssignmentPath = (account: string, name: string) =>
    `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${account}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const putPolicy = async (scope: string, xml: string) =>
    expectOk(
      "policy PUT",
      await arm("PUT", `${scope}/policies/policy`, { properties: { format: "rawxml", value: xml } }),
    );
  const control = async (base: string, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${base}/_sandbox/${route}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };

  return {
    sandbox,
    dataDir,
    coordinates: c,
    gatewayUrl: c.gatewayUrl,
    token,
    callerToken: (index = 0) => token(c.callerClients[index]!, `${c.llmApiAudience}/.default`),
    call: async (relative, { method = "POST", headers = {}, body } = {}) =>
      read(
        await fetch(new URL(relative, c.gatewayUrl), {
          method,
          headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      ),
    arm,
    putPolicy: (scope, xml) => putPolicy(scope, xml),
    putApiPolicy: (apiId, xml) => putPolicy(`/apis/${apiId}`, xml),
    putApi: async (apiId, properties) =>
      expectOk("API PUT", await arm("PUT", `/apis/${apiId}`, { properties: { protocols: ["https"], ...properties } })),
    putOperation: async (apiId, operationId, { method, urlTemplate }) =>
      expectOk(
        "operation PUT",
        await arm("PUT", `/apis/${apiId}/operations/${operationId}`, {
          properties: { displayName: operationId, method, urlTemplate, templateParameters: [] },
        }),
      ),
    putNamedValue: async (name, value, secret = true) => {
      const response = await arm("PUT", `/namedValues/${name}`, { properties: { displayName: name, value, secret } });
      expectOk("named value PUT", response);
      // The write is a long-running operation: its first poll completes it.
      const location = response.headers.get("location");
      if (location)
        expectOk(
          "named value poll",
          await read(await fetch(location, { headers: { authorization: `Bearer ${await armToken()}` } })),
        );
    },
    subscriptionKey: (name = "sandbox-all-apis") => {
      const subscription = sandbox.simulator.store.state.subscriptions.get(name);
      if (!subscription) throw new Error(`the seeded subscription ${name} is missing`);
      return subscription.primaryKey;
    },
    modelCalls: async (since = 0) =>
      ((await control(c.modelEndpoint, "GET", `model/calls?since=${since}`)) as { calls: ModelCall[] }).calls,
    setModelKey: async (account, key) => void (await control(c.modelEndpoint, "POST", "model/keys", { account, key })),
    grantModelRole: async (principalId, account) => {
      const name = randomUUID();
      const response = await armAt(
        "PUT",
        roleAssignmentPath(account, name),
        {
          properties: {
            roleDefinitionId: `/subscriptions/${c.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${COGNITIVE_SERVICES_OPENAI_USER}`,
            principalId,
            principalType: "ServicePrincipal",
          },
        },
        ROLE_ASSIGNMENT_API_VERSION,
      );
      expectOk("role assignment PUT", response);
      return name;
    },
    revokeModelRole: async (name, account) =>
      expectOk(
        "role assignment DELETE",
        await armAt("DELETE", roleAssignmentPath(account, name), undefined, ROLE_ASSIGNMENT_API_VERSION),
      ),
    removeRoleAssignments: async (principalId) =>
      void (await control(c.armEndpoint, "DELETE", `role-assignments?principalId=${encodeURIComponent(principalId)}`)),
    stats: () => sandbox.gateway.stats(),
    close: async () => {
      await sandbox.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
