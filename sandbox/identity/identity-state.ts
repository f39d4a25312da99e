import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { z } from "zod";

/**
 * Everything the sandbox identity provider must keep across restarts: tenant and client ids,
 * client secrets, user passwords and the token-signing keys. Kept stable so that printed
 * credentials keep working and tokens issued before a restart still validate after it.
 */

/** Which app role a sandbox user holds; the role's name is configured at start. */
const SANDBOX_ROLE_KEYS = ["admin", "reviewer", "reader"] as const;
export type SandboxRoleKey = (typeof SANDBOX_ROLE_KEYS)[number];

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

const clientSchema = z.object({
  clientId: guid,
  clientSecret: z.string().min(32),
  /** Object id of the client's service principal: the `oid` of its app-only tokens. */
  objectId: guid,
});

const userSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(16),
  displayName: z.string().min(1),
  oid: guid,
  /** Entra's `sub` differs from `oid`; keeping them apart stops code from mixing them up. */
  sub: z.string().min(1),
  role: z.enum(SANDBOX_ROLE_KEYS).nullable(),
});

/**
 * A client application that calls the LLM APIs through the gateway (not a Portcullis user).
 * `roles` are the LLM API's app roles assigned to it: they appear in its tokens for that API.
 */
const callerClientSchema = clientSchema.extend({
  displayName: z.string().min(1),
  roles: z.array(z.string().min(1)),
});

const tenantSchema = z.object({
  tenantId: guid,
  signingKey: z.looseObject({ kty: z.literal("RSA"), kid: z.string(), d: z.string() }),
  webClient: clientSchema,
  automationClient: clientSchema,
  /** A second automation client (four-eyes: one pipeline plans, another approves). Added later, like callerClients. */
  secondAutomationClient: clientSchema.optional(),
  users: z.array(userSchema),
  /** Added after the first release of the sandbox: an older state file gets them on load. */
  callerClients: z.array(callerClientSchema).optional(),
});

const stateSchema = z.object({
  version: z.literal(1),
  home: tenantSchema,
  /** A second, unrelated tenant: tests need genuine tokens that the app must refuse. */
  other: tenantSchema,
});

type SandboxClient = z.infer<typeof clientSchema>;
export type SandboxCallerClient = z.infer<typeof callerClientSchema>;
export type SandboxUser = z.infer<typeof userSchema>;
export type SandboxTenant = z.infer<typeof tenantSchema> & {
  callerClients: SandboxCallerClient[];
  secondAutomationClient: SandboxClient;
};
export interface IdentityState {
  version: 1;
  home: SandboxTenant;
  other: SandboxTenant;
}

/** The app role of the LLM APIs that the first caller client holds and the second does not. */
export const LLM_CHAT_ROLE = "LLM.Chat";

const STATE_FILE = "sandbox-identity.json";

/** Reads the persisted state from `dataDir`, creating it on first use. */
export async function loadOrCreateIdentityState(dataDir: string): Promise<IdentityState> {
  const file = path.join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const state = { version: 1 as const, home: await newTenant(), other: await newTenant() };
    await save(dataDir, file, state);
    return state;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    // Regenerating silently would change every password and key under the user's feet.
    throw new Error(`${file} is not a valid sandbox identity state; delete it to create a new one`);
  }
  const { home, other } = parsed.data;
  const upgraded = { version: 1 as const, home: upgradeTenant(home), other: upgradeTenant(other) };
  // A state written before some of its parts existed: add them, keep everything else as it was.
  if (JSON.stringify(upgraded) !== JSON.stringify(parsed.data)) await save(dataDir, file, upgraded);
  return upgraded;
}

async function save(dataDir: string, file: string, state: IdentityState): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  // Written whole and renamed into place so a crash never leaves half a file behind.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state, null, 2), { mode: 0o600 });
  await rename(temporary, file);
}

/** Adds what later versions of the sandbox have (caller clients, the second admin and automation client). */
function upgradeTenant(tenant: z.infer<typeof tenantSchema>): SandboxTenant {
  const users = tenant.users.some((user) => user.username === SECOND_ADMIN.username)
    ? tenant.users
    : [...tenant.users, newUser(SECOND_ADMIN.username, SECOND_ADMIN.displayName, "admin")];
  return {
    ...tenant,
    users,
    callerClients: tenant.callerClients ?? newCallerClients(),
    secondAutomationClient: tenant.secondAutomationClient ?? newClient(),
  };
}

/** A second admin, so that four-eyes approval can be tried: the author of a plan cannot approve it. */
const SECOND_ADMIN = { username: "admin2", displayName: "Sandbox Second Admin" };

function secret(): string {
  return randomBytes(24).toString("base64url");
}

function newClient(): SandboxClient {
  return { clientId: randomUUID(), clientSecret: secret(), objectId: randomUUID() };
}

function newUser(username: string, displayName: string, role: SandboxRoleKey | null): SandboxUser {
  return { username, password: secret(), displayName, oid: randomUUID(), sub: secret(), role };
}

/** Two applications that call the LLM APIs: one holds the chat role, the other none. */
function newCallerClients(): SandboxCallerClient[] {
  return [
    { ...newClient(), displayName: "Sandbox chat app", roles: [LLM_CHAT_ROLE] },
    { ...newClient(), displayName: "Sandbox batch job", roles: [] },
  ];
}

async function newTenant(): Promise<SandboxTenant> {
  const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return tenantSchema.parse({
    tenantId: randomUUID(),
    signingKey: { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: "RS256", use: "sig" },
    webClient: newClient(),
    automationClient: newClient(),
    secondAutomationClient: newClient(),
    users: [
      newUser("admin", "Sandbox Admin", "admin"),
      newUser(SECOND_ADMIN.username, SECOND_ADMIN.displayName, "admin"),
      newUser("reviewer", "Sandbox Reviewer", "reviewer"),
      newUser("reader", "Sandbox Reader", "reader"),
      // Signs in fine but holds no role: exercises the "which role to request" page.
      newUser("norole", "Sandbox User Without Role", null),
    ],
    callerClients: newCallerClients(),
  }) as SandboxTenant;
}
