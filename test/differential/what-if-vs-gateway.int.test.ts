import { randomUUID } from "node:crypto";
import path from "node:path";
import { importJWK, SignJWT, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkToken,
  composeEffectivePipeline,
  renderPolicy,
  validateAccessProfile,
  type AccessFacts,
  type AccessProfileInput,
  type EffectivePipelineInput,
} from "../../lib/policy";
import { seededRandom } from "../../sandbox/apim/faults/seeded-random";
import { loadOrCreateIdentityState, LLM_CHAT_ROLE } from "../../sandbox/identity/identity-state";
import { startTestGateway, type TestGateway } from "../../sandbox/gateway/test-support/test-gateway";

/**
 * The what-if evaluator (lib/policy, written from APIM's documentation) against the sandbox
 * gateway (sandbox/gateway, written separately from the same documentation): random profiles from
 * the profile schema rendered into a seeded API's policy, with and without a product's and an
 * operation's policy, each called with tokens of an allowed client, another client, an expired
 * token, another audience, missing claims and another tenant. The what-if's decision (and, when
 * it names one, its status) must be the gateway's. Deterministic: a fixed seed; a disagreement
 * prints the case (seed, profile, scopes, token) so it can be replayed.
 */
const SEED = 20261204;
const CONFIGS = 320;
const CHUNKS = 8;

let gw: TestGateway;
let global = "";
let productKey = "";
const cases: { total: number; undetermined: number } = { total: 0, undetermined: 0 };

const FOUNDRY = "https://portcullis-sandbox-foundry.services.ai.azure.com/models";
const OTHER_AUDIENCE = "api://portcullis-other";
const UNKNOWN_CLIENT = "7d1e2f3a-0000-4000-8000-000000000001";
const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], max_tokens: 1 };

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.putApi("diff", {
    displayName: "Differential",
    path: "diff",
    serviceUrl: FOUNDRY,
    subscriptionRequired: false,
  });
  await gw.putOperation("diff", "chat", { method: "POST", urlTemplate: "/chat/completions" });
  const product = await gw.arm("PUT", "/products/diff-product", {
    properties: { displayName: "Differential product", subscriptionRequired: true, state: "published" },
  });
  if (product.status >= 300) throw new Error(product.text);
  await gw.arm("PUT", "/products/diff-product/apis/diff");
  await gw.arm("PUT", "/subscriptions/diff-sub", {
    properties: { scope: "/products/diff-product", displayName: "Diff" },
  });
  productKey = ((await gw.arm("POST", "/subscriptions/diff-sub/listSecrets")).json as { primaryKey: string })
    .primaryKey;
  const read = await gw.arm("GET", "/policies/policy?format=rawxml");
  global = (read.json as { properties: { value: string } }).properties.value;
}, 120_000);
afterAll(async () => {
  await gw?.close();
  console.log(
    `what-if vs gateway: ${cases.total} cases, ${cases.undetermined} undetermined by the what-if (not compared)`,
  );
  // Not a timing goal: the test must have compared what it says it compares.
  expect(cases.total - cases.undetermined).toBeGreaterThanOrEqual(2000);
});

type Pick = <T>(items: readonly T[]) => T;

function subset<T>(rand: () => number, items: readonly T[], atLeastOne: boolean): T[] {
  const chosen = items.filter(() => rand() < 0.5);
  return chosen.length === 0 && atLeastOne ? [items[Math.floor(rand() * items.length)]!] : chosen;
}

function requiredClaims(pick: Pick) {
  return pick([
    [],
    [],
    [{ name: "roles", match: "any" as const, values: [LLM_CHAT_ROLE] }],
    [{ name: "roles", match: "all" as const, values: [LLM_CHAT_ROLE, "LLM.Admin"] }],
    [{ name: "idtyp", match: "all" as const, values: ["app"] }],
  ]);
}

function failedValidation(pick: Pick) {
  return pick([undefined, undefined, { httpCode: 403 }, { httpCode: 401, message: "Denied by the differential." }]);
}

function randomProfile(rand: () => number, pick: Pick): AccessProfileInput {
  const c = gw.coordinates;
  const backendAuth = {
    mode: "managedIdentity" as const,
    resource: "https://cognitiveservices.azure.com",
    delivery: "policy" as const,
  };
  const mode = rand();
  const clients = [c.callerClients[0]!.clientId, c.callerClients[1]!.clientId, UNKNOWN_CLIENT];
  const audiences = [c.llmApiAudience, OTHER_AUDIENCE];
  if (mode < 0.1) return { backendAuth, callerAuth: { mode: "none" } };
  const failed = failedValidation(pick);
  if (mode < 0.3)
    return {
      backendAuth,
      callerAuth: {
        mode: "jwt",
        openIdConfigUrl: `${c.authorityHost}/${c.tenantId}/v2.0/.well-known/openid-configuration`,
        issuers: pick([[c.issuer], [c.issuer], ["https://issuer.example.com/"]]),
        audiences: subset(rand, audiences, true),
        requiredClaims: requiredClaims(pick),
        ...(failed ? { failedValidation: failed } : {}),
      },
    };
  return {
    backendAuth,
    callerAuth: {
      mode: "entra",
      tenantId: rand() < 0.9 ? c.tenantId : gw.sandbox.identityProvider.otherTenant.tenantId,
      clientApplicationIds: subset(rand, clients, true),
      audiences: subset(rand, audiences, false),
      requiredClaims: requiredClaims(pick),
      ...(failed ? { failedValidation: failed } : {}),
    },
  };
}

const sections = (inbound: string, base = true) =>
  `<policies><inbound>${base ? "<base />" : ""}${inbound}</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`;

function productPolicies(): string[] {
  const c = gw.coordinates;
  return [
    sections(""),
    sections('<rate-limit calls="1000000" renewal-period="60" />'),
    sections(
      `<validate-azure-ad-token tenant-id="${c.tenantId}" failed-validation-httpcode="403"><client-application-ids><application-id>${c.callerClients[0]!.clientId}</application-id></client-application-ids></validate-azure-ad-token>`,
    ),
  ];
}

function operationPolicies(): string[] {
  const c = gw.coordinates;
  return [
    sections(""),
    // Without <base /> in inbound: the API's caller check does not run; the operation brings the credential.
    sections('<authentication-managed-identity resource="https://cognitiveservices.azure.com" />', false),
    sections(
      `<validate-azure-ad-token tenant-id="${c.tenantId}"><client-application-ids><application-id>${c.callerClients[1]!.clientId}</application-id></client-application-ids><audiences><audience>${c.llmApiAudience}</audience></audiences></validate-azure-ad-token>`,
    ),
  ];
}

/** Tokens signed with the tenant's own key, so every claim is chosen (expired ones too). */
async function mintTokens(): Promise<Array<{ kind: string; token: string }>> {
  const c = gw.coordinates;
  const state = await loadOrCreateIdentityState(path.join(gw.dataDir, "sandbox"));
  const key = await importJWK(state.home.signingKey, "RS256");
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: JWTPayload) =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: state.home.signingKey.kid, typ: "JWT" }).sign(key);
  const base = (client: { clientId: string }, overrides: JWTPayload = {}): JWTPayload => ({
    iss: c.issuer,
    aud: c.llmApiAudience,
    tid: c.tenantId,
    azp: client.clientId,
    appid: client.clientId,
    oid: randomUUID(),
    idtyp: "app",
    ver: "2.0",
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    ...overrides,
  });
  const [allowed, other] = [c.callerClients[0]!, c.callerClients[1]!];
  return Promise.all(
    [
      { kind: "allowed client", claims: base(allowed, { roles: [LLM_CHAT_ROLE] }) },
      { kind: "allowed client with two roles", claims: base(allowed, { roles: [LLM_CHAT_ROLE, "LLM.Admin"] }) },
      { kind: "other client", claims: base(other) },
      {
        kind: "expired",
        claims: base(allowed, { roles: [LLM_CHAT_ROLE], iat: now - 9000, nbf: now - 9000, exp: now - 7200 }),
      },
      { kind: "wrong audience", claims: base(allowed, { roles: [LLM_CHAT_ROLE], aud: "api://somewhere-else" }) },
      { kind: "missing claims", claims: base(allowed, { idtyp: undefined }) },
      {
        kind: "other tenant's issuer",
        claims: base(allowed, { roles: [LLM_CHAT_ROLE], iss: `${c.authorityHost}/${randomUUID()}/v2.0` }),
      },
    ].map(async ({ kind, claims }) => ({
      kind,
      token: await sign(Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined))),
    })),
  );
}

/** APIM's own refusals are `{statusCode, message}`; anything else came from the backend. */
function gatewayRefused(json: unknown): boolean {
  return (
    typeof json === "object" &&
    json !== null &&
    typeof (json as { statusCode?: unknown }).statusCode === "number" &&
    typeof (json as { message?: unknown }).message === "string"
  );
}

describe("what-if vs gateway", () => {
  let tokens: Array<{ kind: string; token: string }> = [];
  beforeAll(async () => {
    tokens = await mintTokens();
  });

  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    it(
      `agrees on configurations ${chunk * (CONFIGS / CHUNKS) + 1}–${(chunk + 1) * (CONFIGS / CHUNKS)}`,
      { timeout: 600_000 },
      async () => {
        const disagreements: string[] = [];
        for (let index = chunk * (CONFIGS / CHUNKS); index < (chunk + 1) * (CONFIGS / CHUNKS); index++) {
          const rand = seededRandom(SEED + index);
          const pick: Pick = (items) => items[Math.floor(rand() * items.length)]!;
          const input = randomProfile(rand, pick);
          const validated = validateAccessProfile(input);
          if (!validated.ok) throw new Error(`generated an invalid profile: ${JSON.stringify(validated.issues)}`);
          const apiPolicy = renderPolicy(validated.profile);
          const product = rand() < 0.4 ? pick(productPolicies()) : null;
          const operation = rand() < 0.4 ? pick(operationPolicies()) : null;
          await gw.putApiPolicy("diff", apiPolicy);
          if (product !== null) await gw.putPolicy("/products/diff-product", product);
          await gw.putPolicy("/apis/diff/operations/chat", operation ?? sections(""));

          const pipelineInput: EffectivePipelineInput = {
            global: { status: "policy", text: global, format: "rawxml" },
            api: { id: "diff", document: { status: "policy", text: apiPolicy, format: "rawxml" } },
            ...(product === null
              ? {}
              : {
                  product: {
                    id: "diff-product",
                    document: { status: "policy" as const, text: product, format: "rawxml" as const },
                  },
                }),
            operation: {
              id: "chat",
              document: { status: "policy", text: operation ?? sections(""), format: "rawxml" },
            },
          };
          const pipeline = composeEffectivePipeline(pipelineInput);
          const c = gw.coordinates;
          const facts: AccessFacts = {
            subscriptionRequired: product !== null,
            entraAuthorityHost: c.authorityHost,
            openIdConfigurations: {
              [`${c.authorityHost}/${c.tenantId}/v2.0/.well-known/openid-configuration`]: { issuer: c.issuer },
            },
          };
          for (const { kind, token } of tokens) {
            cases.total += 1;
            const whatIf = checkToken(pipeline, { token, at: new Date() }, facts);
            if (!whatIf.ok) throw new Error(whatIf.error);
            if (whatIf.decision === "undetermined") {
              cases.undetermined += 1;
              continue;
            }
            const answer = await gw.call("/diff/chat/completions?api-version=2024-05-01-preview", {
              body: chat,
              headers: {
                authorization: `Bearer ${token}`,
                ...(product === null ? {} : { "ocp-apim-subscription-key": productKey }),
              },
            });
            const refused = gatewayRefused(answer.json);
            const expectedStatus =
              whatIf.decision === "denied" && whatIf.response && whatIf.response.mayBeChangedBy.length === 0
                ? whatIf.response.status
                : null;
            const agrees =
              whatIf.decision === "allowed"
                ? !refused && answer.status < 300
                : refused && (expectedStatus === null || expectedStatus === answer.status);
            if (!agrees)
              disagreements.push(
                JSON.stringify(
                  {
                    seed: SEED + index,
                    token: kind,
                    whatIf: { decision: whatIf.decision, summary: whatIf.summary, status: expectedStatus },
                    gateway: { status: answer.status, body: answer.text.slice(0, 300) },
                    profile: validated.profile,
                    product,
                    operation,
                  },
                  null,
                  2,
                ),
              );
          }
        }
        if (disagreements.length > 0) console.error(disagreements.slice(0, 5).join("\n"));
        expect(disagreements.length, `${disagreements.length} disagreements; the first ones are printed above`).toBe(0);
      },
    );
  }
});
