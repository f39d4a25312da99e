/** Test helper: one valid profile per backend delivery and caller mode, defaults applied. */
import { accessProfileSchema, type AccessProfile, type AccessProfileInput } from "../profile-schema";

const entra = {
  mode: "entra",
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientApplicationIds: ["11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"],
  audiences: ["api://portcullis-chat"],
  requiredClaims: [{ name: "roles", match: "any", values: ["Chat.Use", "Chat.Admin"] }],
  failedValidation: { httpCode: 401, message: "Unauthorized. Access token is missing or invalid." },
} satisfies AccessProfileInput["callerAuth"];

const jwt = {
  mode: "jwt",
  openIdConfigUrl: "https://login.example.com/tenant/.well-known/openid-configuration",
  issuers: ["https://login.example.com/tenant/v2.0"],
  audiences: ["https://api.example.com"],
  requiredClaims: [{ name: "scp", match: "all", separator: " ", values: ["chat.read"] }],
} satisfies AccessProfileInput["callerAuth"];

const inputs = {
  "apikey-header--none": {
    backendAuth: { mode: "apiKey", namedValue: "openai-api-key", headerName: "api-key", delivery: "setHeader" },
    callerAuth: { mode: "none" },
  },
  "apikey-header--entra": {
    backendAuth: { mode: "apiKey", namedValue: "openai-api-key", headerName: "api-key", delivery: "setHeader" },
    callerAuth: entra,
  },
  "apikey-backend--entra": {
    backendAuth: { mode: "apiKey", namedValue: "openai-api-key", headerName: "api-key", delivery: "backend", backendId: "openai-backend", backendUrl: "https://contoso.openai.azure.com/openai" },
    callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: ["11111111-2222-3333-4444-555555555555"] },
  },
  "managed-identity-policy--entra": {
    backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", delivery: "policy" },
    callerAuth: entra,
  },
  "managed-identity-policy--none": {
    backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "policy" },
    callerAuth: { mode: "none" },
  },
  "managed-identity-backend--jwt": {
    backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "backend", backendId: "foundry", backendUrl: "https://foundry.services.ai.azure.com/models" },
    callerAuth: jwt,
  },
  "apikey-authorization-header--jwt": {
    backendAuth: { mode: "apiKey", namedValue: "gemini-api-key", headerName: "Authorization", delivery: "setHeader" },
    callerAuth: jwt,
  },
  "none--jwt": { backendAuth: { mode: "none" }, callerAuth: jwt },
  "none--none": { backendAuth: { mode: "none" }, callerAuth: { mode: "none" } },
} satisfies Record<string, AccessProfileInput>;

export type SampleName = keyof typeof inputs;

export const sampleProfiles = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, accessProfileSchema.parse(input)])) as Record<SampleName, AccessProfile>;
