/**
 * The policy documents of the sandbox seed, one per scope a call runs through (global,
 * product, API, operation). Written like an APIM administrator would: four-space
 * indentation, comments saying why. What each one is there to show is said beside it.
 */

/** A document with the four sections, each inheriting (<base />) before its own statements. */
export function inheritingPolicy(inbound: string, outbound = ""): string {
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

/** An API policy that only selects its backend (whose credentials authenticate to the model). */
export const backendOnlyPolicy = (backendId: string) =>
  inheritingPolicy(`
        <set-backend-service backend-id="${backendId}" />`);

/**
 * Foundry models admits only the first sandbox caller client, with a token for the LLM APIs'
 * audience from the sandbox tenant (named values hold the sandbox identity's values, see
 * sandboxIdentityNamedValues), and then calls the model through the backend that
 * authenticates with APIM's managed identity.
 */
export const callerCheckedPolicy = inheritingPolicy(`
        <validate-azure-ad-token tenant-id="{{llm-callers-tenant-id}}" header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized. Access token is missing or invalid.">
            <client-application-ids>
                <application-id>{{llm-caller-client-id}}</application-id>
            </client-application-ids>
            <audiences>
                <audience>{{llm-api-audience}}</audience>
            </audiences>
        </validate-azure-ad-token>
        <set-header name="Authorization" exists-action="delete" />
        <set-backend-service backend-id="foundry-backend" />`);

/**
 * The global (service) policy: a correlation id on every call and CORS for a browser client.
 * There is nothing above the global scope, so it has no <base />; its <backend> forwards the
 * request, which every narrower scope inherits. It never refuses a caller: CORS leaves
 * requests without an Origin alone and lets unmatched ones through (terminate-unmatched-request="false").
 */
export const globalPolicy = `<policies>
    <inbound>
        <set-header name="x-correlation-id" exists-action="skip">
            <value>@(context.RequestId.ToString())</value>
        </set-header>
        <cors allow-credentials="false" terminate-unmatched-request="false">
            <allowed-origins>
                <origin>https://chat.contoso.example</origin>
            </allowed-origins>
            <allowed-methods>
                <method>POST</method>
            </allowed-methods>
            <allowed-headers>
                <header>Content-Type</header>
                <header>Authorization</header>
            </allowed-headers>
        </cors>
    </inbound>
    <backend>
        <forward-request />
    </backend>
    <outbound>
        <set-header name="x-correlation-id" exists-action="override">
            <value>@(context.RequestId.ToString())</value>
        </set-header>
    </outbound>
    <on-error />
</policies>`;

/** The "LLM Standard" product: a call rate and a weekly quota per subscription, then the API's policy. */
export const llmStandardPolicy = inheritingPolicy(`
        <!-- LLM Standard: 60 calls a minute and 100,000 a week per subscription. -->
        <rate-limit calls="60" renewal-period="60" />
        <quota calls="100000" renewal-period="604800" />`);

/**
 * An operation policy whose <inbound> was written without <base />: it pins the embeddings
 * API version and backend, and silently skips everything above it in <inbound> — the global
 * correlation header, the product's limits and the API's caller validation.
 */
export const embeddingsWithoutBasePolicy = `<policies>
    <inbound>
        <!-- Embeddings run on the batch deployment's API version. -->
        <set-query-parameter name="api-version" exists-action="override">
            <value>2024-10-21</value>
        </set-query-parameter>
        <set-backend-service backend-id="azure-openai-backend" />
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
    </outbound>
    <on-error>
        <base />
    </on-error>
</policies>`;

/**
 * A hand-written API policy that selects the keyed backend, then, later in <inbound> (after
 * where a managed block goes, right after <base />), sends the call to another base URL: the
 * backend's credentials no longer apply to it.
 */
export const regionalOverridePolicy = inheritingPolicy(`
        <set-backend-service backend-id="azure-openai-backend" />
        <!-- Hand-written: EU traffic goes straight to the Sweden Central resource. -->
        <set-backend-service base-url="https://portcullis-sandbox-aoai-swedencentral.openai.azure.com/openai" />`);

/**
 * A hand-written rawxml policy with things an access-control engine does not manage
 * (llm-token-limit, token metrics, a variable computed in C#) next to a caller check it does
 * manage, on a backend whose key is a Key Vault named value.
 */
export const tokenLimitedPolicy = inheritingPolicy(
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
