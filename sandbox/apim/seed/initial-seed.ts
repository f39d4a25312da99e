/**
 * What a fresh simulator holds: three LLM APIs and the named values and backends they use.
 * - `azure-openai`: an Azure OpenAI API whose backend sends an API key from a secret named value;
 * - `foundry-models`: a Foundry models API whose backend authenticates with APIM's managed
 *   identity (`credentials.managedIdentity`, preview api-version only);
 * - `chat-token-limited`: a hand-written rawxml policy with things an access-control engine
 *   does not manage (llm-token-limit, token metrics, a variable computed in C#) next to a
 *   caller check it does manage, on a backend whose key is a Key Vault named value.
 * Each entry is an ARM request relative to the service, applied through the same handlers
 * as a client's request. All secrets here are made up.
 */
export interface SeedRequest {
  method: "PUT";
  path: string;
  body: { properties: Record<string, unknown> };
}

/** A policy with the four sections, each inheriting (<base />) before its own statements. */
function policyDocument(inbound: string, outbound = ""): string {
  return `<policies>
    <inbound>
        <base />${inbound}
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />${outbound}
    </outbound>
    <on-error>
        <base />
    </on-error>
</policies>`;
}

const handWrittenPolicy = policyDocument(
  `
        <!-- Hand-written: token budget per caller and usage metrics. -->
        <validate-azure-ad-token tenant-id="{{entra-tenant-id}}">
            <client-application-ids>
                <application-id>11111111-1111-1111-1111-111111111111</application-id>
            </client-application-ids>
        </validate-azure-ad-token>
        <set-variable name="caller" value="@(context.Request.Headers.GetValueOrDefault("x-client-id", "anonymous"))" />
        <llm-token-limit counter-key="@((string)context.Variables["caller"])" tokens-per-minute="20000" estimate-prompt-tokens="false" remaining-tokens-variable-name="remainingTokens" />
        <llm-emit-token-metric namespace="portcullis-sandbox">
            <dimension name="Caller" value="@((string)context.Variables["caller"])" />
            <dimension name="API ID" value="@(context.Api.Id)" />
        </llm-emit-token-metric>
        <set-backend-service backend-id="foundry-backend-key" />`,
  `
        <set-header name="x-remaining-tokens" exists-action="override">
            <value>@(context.Variables.GetValueOrDefault<int>("remainingTokens", 0).ToString())</value>
        </set-header>`,
);

const backendOnlyPolicy = (backendId: string) =>
  policyDocument(`
        <set-backend-service backend-id="${backendId}" />`);

const aoaiUrl = "https://portcullis-sandbox-aoai.openai.azure.com/openai";
const foundryUrl = "https://portcullis-sandbox-foundry.services.ai.azure.com/models";

const put = (path: string, properties: Record<string, unknown>): SeedRequest => ({
  method: "PUT",
  path,
  body: { properties },
});

function apiWithPolicy(
  apiId: string,
  properties: Record<string, unknown>,
  format: "xml" | "rawxml",
  policy: string,
): SeedRequest[] {
  const path = `/apis/${encodeURIComponent(apiId)}`;
  return [
    put(path, { protocols: ["https"], ...properties }),
    put(`${path}/policies/policy`, { format, value: policy }),
  ];
}

export const initialSeed: readonly SeedRequest[] = [
  put("/namedValues/azure-openai-api-key", {
    displayName: "azure-openai-api-key",
    value: "sandbox-aoai-key-0000000000000000",
    secret: true,
    tags: ["azure-openai"],
  }),
  put("/namedValues/foundry-api-key", {
    displayName: "foundry-api-key",
    secret: true,
    tags: ["foundry"],
    keyVault: { secretIdentifier: "https://portcullis-sandbox-kv.vault.azure.net/secrets/foundry-api-key" },
  }),
  put("/namedValues/entra-tenant-id", {
    displayName: "entra-tenant-id",
    value: "00000000-0000-0000-0000-0000000000aa",
    secret: false,
  }),
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
  ...apiWithPolicy(
    "foundry-models",
    {
      displayName: "Foundry Models",
      description: "Azure AI Foundry model inference.",
      path: "models",
      serviceUrl: foundryUrl,
    },
    "xml",
    backendOnlyPolicy("foundry-backend"),
  ),
  ...apiWithPolicy(
    "chat-token-limited",
    {
      displayName: "Chat (token limited)",
      description: "Chat completions with a hand-written token budget.",
      path: "chat",
      serviceUrl: foundryUrl,
    },
    "rawxml",
    handWrittenPolicy,
  ),
];

/** A plain API for benchmarks, with (optionally) a policy that routes to the Azure OpenAI backend. */
export function benchmarkApiSeed(apiId: string, withPolicy: boolean): SeedRequest[] {
  const requests = apiWithPolicy(
    apiId,
    { displayName: `Benchmark ${apiId}`, path: `bench/${apiId}`, serviceUrl: aoaiUrl },
    "xml",
    backendOnlyPolicy("azure-openai-backend"),
  );
  return withPolicy ? requests : requests.slice(0, 1);
}
