import {
  backendOnlyPolicy,
  callerCheckedPolicy,
  embeddingsWithoutBasePolicy,
  globalPolicy,
  llmStandardPolicy,
  regionalOverridePolicy,
  tokenLimitedPolicy,
} from "./seed-policies";

/**
 * What a fresh simulator holds: four LLM APIs, the named values and backends they use, their
 * operations, a product and a policy at every scope (seed-policies.ts says what each shows).
 * - `azure-openai`: Azure OpenAI, its backend sends an API key from a secret named value; in
 *   "LLM Standard"; its embeddings operation's policy drops <base />;
 * - `foundry-models`: Foundry models, callers need a token of the first sandbox caller client
 *   for the LLM APIs (no subscription key); its backend authenticates with APIM's managed
 *   identity (`credentials.managedIdentity`, preview api-version only); in "LLM Standard";
 * - `chat-token-limited`: a hand-written rawxml policy with a caller check and a token budget,
 *   on a backend whose key is a Key Vault named value;
 * - `azure-openai-eu`: a hand-written policy that overrides its backend selection late in <inbound>.
 * Each entry is an ARM request relative to the service, applied through the same handlers
 * as a client's request. All secrets here are made up.
 */
export interface SeedRequest {
  method: "PUT";
  path: string;
  body?: { properties: Record<string, unknown> };
}

/**
 * Which seed a data directory holds (ApimState.markSeeded): change it whenever the seed
 * changes, so that sandboxes seeded before re-seed with the new one.
 */
export const seedVersion = "2026-12-03 gateway";

/** The seeded Azure OpenAI key; the sandbox model account accepts it (sandbox/model). */
export const SEEDED_AOAI_KEY = "sandbox-aoai-key-0000000000000000";
/** The Key Vault secret the seeded `foundry-api-key` refers to; the sandbox Foundry account accepts its value. */
export const FOUNDRY_KEY_SECRET = "https://portcullis-sandbox-kv.vault.azure.net/secrets/foundry-api-key";

const aoaiUrl = "https://portcullis-sandbox-aoai.openai.azure.com/openai";
const foundryUrl = "https://portcullis-sandbox-foundry.services.ai.azure.com/models";

const put = (path: string, properties?: Record<string, unknown>): SeedRequest =>
  properties === undefined ? { method: "PUT", path } : { method: "PUT", path, body: { properties } };

const apiPath = (apiId: string) => `/apis/${encodeURIComponent(apiId)}`;

function apiWithPolicy(
  apiId: string,
  properties: Record<string, unknown>,
  format: "xml" | "rawxml",
  policy: string,
): SeedRequest[] {
  return [
    put(apiPath(apiId), { protocols: ["https"], ...properties }),
    put(`${apiPath(apiId)}/policies/policy`, { format, value: policy }),
  ];
}

/** What the sandbox identity provider tells the seed: its tenant, first caller client and LLM API audience. */
export interface SandboxIdentityValues {
  tenantId: string;
  callerClientId: string;
  llmApiAudience: string;
}

/** Stand-ins when the simulator runs without the sandbox identity provider (its own tests). */
const PLACEHOLDER_IDENTITY: SandboxIdentityValues = {
  tenantId: "00000000-0000-0000-0000-0000000000aa",
  callerClientId: "00000000-0000-0000-0000-0000000000c1",
  llmApiAudience: "api://portcullis-sandbox-llm",
};

/** The named values the seeded caller check reads (callerCheckedPolicy), with the sandbox's identity. */
export function sandboxIdentityNamedValues(identity: SandboxIdentityValues = PLACEHOLDER_IDENTITY): SeedRequest[] {
  return [
    put("/namedValues/llm-callers-tenant-id", {
      displayName: "llm-callers-tenant-id",
      value: identity.tenantId,
      secret: false,
    }),
    put("/namedValues/llm-caller-client-id", {
      displayName: "llm-caller-client-id",
      value: identity.callerClientId,
      secret: false,
    }),
    put("/namedValues/llm-api-audience", {
      displayName: "llm-api-audience",
      value: identity.llmApiAudience,
      secret: false,
    }),
  ];
}

/** A URL template parameter as an OpenAPI import into APIM declares it. */
const templateParameter = (name: string, description: string) => ({
  name,
  description,
  type: "string",
  required: true,
  values: [],
});
const deploymentId = templateParameter("deployment-id", "Deployment id of the model which was deployed.");
const apiVersion = templateParameter("api-version", "The requested API version.");

function operation(
  apiId: string,
  operationId: string,
  properties: { displayName: string; method: string; urlTemplate: string; templateParameters: object[] },
): SeedRequest {
  return put(`${apiPath(apiId)}/operations/${operationId}`, properties);
}

/** The operations of the Azure OpenAI data plane an APIM import of its OpenAPI document creates. */
const azureOpenAiOperations = (apiId: string) => [
  operation(apiId, "ChatCompletions_Create", {
    displayName: "Creates a completion for the chat message",
    method: "POST",
    urlTemplate: "/deployments/{deployment-id}/chat/completions?api-version={api-version}",
    templateParameters: [deploymentId, apiVersion],
  }),
  operation(apiId, "embeddings_create", {
    displayName: "Get a vector representation of a given input",
    method: "POST",
    urlTemplate: "/deployments/{deployment-id}/embeddings?api-version={api-version}",
    templateParameters: [deploymentId, apiVersion],
  }),
];

export const initialSeed = (identity?: SandboxIdentityValues): readonly SeedRequest[] => [
  put("/namedValues/azure-openai-api-key", {
    displayName: "azure-openai-api-key",
    value: SEEDED_AOAI_KEY,
    secret: true,
    tags: ["azure-openai"],
  }),
  put("/namedValues/foundry-api-key", {
    displayName: "foundry-api-key",
    secret: true,
    tags: ["foundry"],
    keyVault: { secretIdentifier: FOUNDRY_KEY_SECRET },
  }),
  put("/namedValues/entra-tenant-id", {
    displayName: "entra-tenant-id",
    value: "00000000-0000-0000-0000-0000000000aa",
    secret: false,
  }),
  ...sandboxIdentityNamedValues(identity),
  put("/backends/azure-openai-backend", {
    title: "Azure OpenAI (sandbox)",
    url: aoaiUrl,
    protocol: "http",
    credentials: { header: { "api-key": ["{{azure-openai-api-key}}"] } },
  }),
  put("/backends/foundry-backend", {
    title: "Foundry models (managed identity)",
    url: foundryUrl,
    protocol: "http",
    credentials: { managedIdentity: { resource: "https://cognitiveservices.azure.com" } },
  }),
  put("/backends/foundry-backend-key", {
    title: "Foundry models (API key)",
    url: foundryUrl,
    protocol: "http",
    credentials: { header: { "api-key": ["{{foundry-api-key}}"] } },
  }),
  put("/policies/policy", { format: "xml", value: globalPolicy }),

  ...apiWithPolicy(
    "azure-openai",
    {
      displayName: "Azure OpenAI",
      description: "Azure OpenAI chat completions and embeddings.",
      path: "openai",
      serviceUrl: aoaiUrl,
    },
    "xml",
    backendOnlyPolicy("azure-openai-backend"),
  ),
  ...azureOpenAiOperations("azure-openai"),
  put(`${apiPath("azure-openai")}/operations/embeddings_create/policies/policy`, {
    format: "xml",
    value: embeddingsWithoutBasePolicy,
  }),

  ...apiWithPolicy(
    "foundry-models",
    {
      displayName: "Foundry Models",
      description: "Azure AI Foundry model inference.",
      path: "models",
      serviceUrl: foundryUrl,
      // Callers prove who they are with an Entra token instead of a subscription key.
      subscriptionRequired: false,
    },
    "xml",
    callerCheckedPolicy,
  ),
  operation("foundry-models", "getChatCompletions", {
    displayName: "Chat completions",
    method: "POST",
    urlTemplate: "/chat/completions?api-version={api-version}",
    templateParameters: [apiVersion],
  }),
  operation("foundry-models", "getModelInfo", {
    displayName: "Model information",
    method: "GET",
    urlTemplate: "/info?api-version={api-version}",
    templateParameters: [apiVersion],
  }),

  ...apiWithPolicy(
    "chat-token-limited",
    {
      displayName: "Chat (token limited)",
      description: "Chat completions with a hand-written token budget.",
      path: "chat",
      serviceUrl: foundryUrl,
    },
    "rawxml",
    tokenLimitedPolicy,
  ),
  operation("chat-token-limited", "chat-completions", {
    displayName: "Chat completions",
    method: "POST",
    urlTemplate: "/chat/completions",
    templateParameters: [],
  }),

  ...apiWithPolicy(
    "azure-openai-eu",
    {
      displayName: "Azure OpenAI (EU routing)",
      description: "Azure OpenAI with a hand-written regional route.",
      path: "openai-eu",
      serviceUrl: aoaiUrl,
    },
    "xml",
    regionalOverridePolicy,
  ),
  ...azureOpenAiOperations("azure-openai-eu").slice(0, 1),

  put("/products/llm-standard", {
    displayName: "LLM Standard",
    description: "Chat and embeddings for internal applications, with a per-subscription budget.",
    subscriptionRequired: true,
    approvalRequired: false,
    state: "published",
  }),
  put("/products/llm-standard/apis/azure-openai"),
  put("/products/llm-standard/apis/foundry-models"),
  put("/products/llm-standard/policies/policy", { format: "xml", value: llmStandardPolicy }),
];

/**
 * A plain API for benchmarks, with (optionally) a policy that routes to the Azure OpenAI
 * backend, and `operations` operations; every fourth operation has a policy of its own. The first
 * is a chat completions operation the sandbox model answers (what verification probes).
 */
export function benchmarkApiSeed(apiId: string, withPolicy: boolean, operations = 0): SeedRequest[] {
  const [api, policy] = apiWithPolicy(
    apiId,
    { displayName: `Benchmark ${apiId}`, path: `bench/${apiId}`, serviceUrl: aoaiUrl },
    "xml",
    backendOnlyPolicy("azure-openai-backend"),
  );
  return [
    api!,
    ...(withPolicy ? [policy!] : []),
    ...Array.from({ length: operations }, (_, index) => {
      const operationId = `operation-${index + 1}`;
      const created = operation(apiId, operationId, {
        displayName: `Operation ${index + 1}`,
        method: "POST",
        urlTemplate:
          index === 0 ? "/deployments/{deployment-id}/chat/completions" : `/operation-${index + 1}/{deployment-id}`,
        templateParameters: [deploymentId],
      });
      const ownPolicy = put(`${apiPath(apiId)}/operations/${operationId}/policies/policy`, {
        format: "xml",
        value: backendOnlyPolicy("azure-openai-backend"),
      });
      return index % 4 === 0 ? [created, ownPolicy] : [created];
    }).flat(),
  ];
}

/** A product for benchmarks holding `apiIds`, with a policy of its own. */
export function benchmarkProductSeed(productId: string, apiIds: readonly string[]): SeedRequest[] {
  return [
    put(`/products/${productId}`, { displayName: `Benchmark ${productId}`, state: "published" }),
    ...apiIds.map((apiId) => put(`/products/${productId}/apis/${encodeURIComponent(apiId)}`)),
    put(`/products/${productId}/policies/policy`, { format: "xml", value: llmStandardPolicy }),
  ];
}
