import type { JsonWebKey } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { AZURE_CLOUD_ENDPOINTS, parseAllowedArmEndpoints, type AllowedArmEndpoint } from "./apim/arm-endpoints";
import { parseEd25519PrivateKey } from "./audit/signing/ed25519-signer";
import { AppError } from "./errors";

/**
 * The application's configuration, read once from the environment and validated.
 * Every problem is reported with the variable's name so a bad start says exactly what to fix.
 *
 * Sandbox mode: with none of the AZURE_* variables set, `npm start` runs a local identity
 * provider and APIM simulator and passes their coordinates to the app through these same
 * variables plus PORTCULLIS_SANDBOX=1, so the app runs the production code path in both modes.
 */
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const positiveInt = (fallback: number) =>
  optionalText
    .refine((v) => v === undefined || /^[1-9][0-9]*$/.test(v), "must be a positive whole number")
    .transform((v) => (v === undefined ? fallback : Number(v)));

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sandboxCallerClientsSchema = z.array(
  z.object({ clientId: z.string().regex(guid), clientSecret: z.string().min(1), displayName: z.string().min(1) }),
);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const envSchema = z
  .object({
    PORT: positiveInt(3000).refine((p) => p < 65536, "must be a TCP port (1-65535)"),
    APP_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    DATA_DIR: optionalText,
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(
          /^postgres(ql)?:\/\//,
          "must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)",
        )
        .optional(),
    ),
    MIGRATION_DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL of the role that owns the schema")
        .optional(),
    ),
    AZURE_TENANT_ID: optionalText.pipe(z.string().regex(guid, "must be the tenant's GUID").optional()),
    AZURE_CLIENT_ID: optionalText.pipe(
      z.string().regex(guid, "must be the app registration's client id (a GUID)").optional(),
    ),
    AZURE_CLIENT_SECRET: optionalText,
    AZURE_AUTHORITY_HOST: optionalText.pipe(z.url({ protocol: /^https$/ }).optional()),
    API_AUDIENCE: optionalText,
    ROLE_ADMIN: optionalText,
    ROLE_REVIEWER: optionalText,
    ROLE_READER: optionalText,
    SESSION_IDLE_MINUTES: positiveInt(30),
    SESSION_MAX_HOURS: positiveInt(8),
    FINGERPRINT_KEY: optionalText.pipe(
      z.string().min(32, "must be at least 32 characters of random data (e.g. `openssl rand -base64 48`)").optional(),
    ),
    LOG_LEVEL: optionalText.pipe(z.enum(["debug", "info", "warn", "error"]).optional()),
    APIM_POLL_INTERVAL_MS: positiveInt(2000),
    ARM_ENDPOINTS_ALLOWED: optionalText.transform((value, ctx) => {
      if (value === undefined) return [];
      const parsed = parseAllowedArmEndpoints(value);
      if ("entries" in parsed) return parsed.entries;
      ctx.addIssue({ code: "custom", message: parsed.problem });
      return z.NEVER;
    }),
    // Set by the sandbox launcher only: the APIM simulator's endpoint (its tokens are AzureCloud's).
    SANDBOX_ARM_ENDPOINT: optionalText.pipe(z.url({ protocol: /^https$/ }).optional()),
    PORTCULLIS_SANDBOX: optionalText,
    // Set by the sandbox launcher only: the caller client applications verification probes with.
    SANDBOX_CALLER_CLIENTS: optionalText.transform((text, ctx) => {
      if (text === undefined) return [];
      const parsed = sandboxCallerClientsSchema.safeParse(safeJson(text));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: "custom", message: "must be a JSON array of {clientId, clientSecret, displayName}" });
      return z.NEVER;
    }),
    // Client application names from Microsoft Graph (needs Application.Read.All); on by default in the sandbox.
    GRAPH_LOOKUP: optionalText.pipe(z.enum(["true", "false"], 'must be "true" or "false"').optional()),
    // Set by the sandbox launcher only: the sandbox identity provider's Graph-shaped endpoint.
    SANDBOX_GRAPH_ENDPOINT: optionalText.pipe(z.url({ protocol: /^https$/ }).optional()),
    VERIFY_PROBES_PER_MINUTE: positiveInt(60),
    // The App ID URI of an app registration that exposes no API: wrong-audience probe tokens are
    // minted for it only, so such a token is accepted nowhere (see lib/verification/probe-tokens.ts).
    VERIFY_WRONG_AUDIENCE: optionalText,
    // Gateways besides APIM's own domains that an instance's gateway URL may name (probes carry
    // callers' tokens and subscription keys there): comma-separated https origins.
    VERIFY_GATEWAYS_ALLOWED: optionalText.transform((text, ctx) => {
      const origins = (text ?? "")
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean);
      for (const origin of origins)
        if (!/^https:\/\/[^/?#@\s]+$/.test(origin)) {
          ctx.addIssue({
            code: "custom",
            message: `"${origin}" is not an https:// origin (scheme, host and port only)`,
          });
          return z.NEVER;
        }
      return origins.map((origin) => new URL(origin).origin);
    }),
    AUDIT_SIGNING_KEY: optionalText.superRefine((pem, ctx) => {
      if (pem === undefined) return;
      try {
        parseEd25519PrivateKey(pem);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
    AUDIT_KEY_VAULT_KEY_ID: optionalText.pipe(
      z
        .string()
        .regex(
          /^https:\/\/[^/\s]+\/keys\/[0-9A-Za-z-]+(\/[0-9A-Za-z]+)?$/,
          "must be a Key Vault key identifier, https://<vault>.vault.azure.net/keys/<name>[/<version>]",
        )
        .optional(),
    ),
    AUDIT_TRUSTED_PUBLIC_KEYS: optionalText.pipe(
      z
        .string()
        .transform((text, ctx) => {
          try {
            const parsed = JSON.parse(text) as { keys?: unknown } | unknown[];
            const keys = Array.isArray(parsed) ? parsed : parsed.keys;
            if (Array.isArray(keys) && keys.every((k) => typeof k === "object" && k !== null && "kid" in k))
              return keys as JsonWebKey[];
          } catch {
            // reported below
          }
          ctx.addIssue({
            code: "custom",
            message: 'must be a JSON Web Key Set ({"keys": [...]}) whose keys have a kid',
          });
          return z.NEVER;
        })
        .optional(),
    ),
    AUDIT_CHECKPOINT_EVENTS: positiveInt(1000),
    AUDIT_CHECKPOINT_MINUTES: positiveInt(60),
    DRIFT_SCAN_MINUTES: optionalText
      .refine(
        (v) => v === undefined || v === "off" || /^[1-9][0-9]*$/.test(v),
        'must be a positive whole number or "off"',
      )
      .transform((v) => (v === undefined ? 60 : v === "off" ? null : Number(v))),
    ROTATION_GRACE_MINUTES: positiveInt(24 * 60),
    SCHEDULER: optionalText.pipe(z.enum(["on", "off"], 'must be "on" or "off"').optional()),
  })
  .superRefine((env, ctx) => {
    const azure = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"] as const;
    const present = azure.filter((name) => env[name] !== undefined);
    if (present.length > 0 && present.length < azure.length) {
      for (const name of azure.filter((n) => env[n] === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `is required because ${present.join(" and ")} ${present.length > 1 ? "are" : "is"} set (set all three for Entra ID, or none for sandbox mode)`,
        });
      }
    }
    if (env.MIGRATION_DATABASE_URL !== undefined && env.DATABASE_URL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["MIGRATION_DATABASE_URL"],
        message: "needs DATABASE_URL too (the embedded database has a single role)",
      });
    }
    const real = present.length === azure.length && env.PORTCULLIS_SANDBOX !== "1";
    if (real && env.SANDBOX_ARM_ENDPOINT !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["SANDBOX_ARM_ENDPOINT"],
        message: "is the sandbox's own setting and not used with Entra ID configuration (use ARM_ENDPOINTS_ALLOWED)",
      });
    }
    if (real && env.SANDBOX_GRAPH_ENDPOINT !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["SANDBOX_GRAPH_ENDPOINT"],
        message: "is the sandbox's own setting and not used with Entra ID configuration (Microsoft Graph is used)",
      });
    }
    if (real && env.FINGERPRINT_KEY === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["FINGERPRINT_KEY"],
        message: "is required with Entra ID configuration: every instance must share it to fingerprint secrets",
      });
    }
    if (env.AUDIT_SIGNING_KEY !== undefined && env.AUDIT_KEY_VAULT_KEY_ID !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["AUDIT_KEY_VAULT_KEY_ID"],
        message: "cannot be set together with AUDIT_SIGNING_KEY: choose one key to sign audit checkpoints",
      });
    }
    if (real && env.AUDIT_SIGNING_KEY === undefined && env.AUDIT_KEY_VAULT_KEY_ID === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["AUDIT_SIGNING_KEY"],
        message:
          "(or AUDIT_KEY_VAULT_KEY_ID) is required with Entra ID configuration: audit checkpoints are signed with a key kept outside the database",
      });
    }
    if (real && env.APP_URL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_URL"],
        message: "is required with Entra ID configuration (the public URL users open)",
      });
    }
    if (real && env.APP_URL !== undefined && !isHttpsOrLoopback(env.APP_URL)) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_URL"],
        message: "must use https:// outside localhost (session cookies are Secure)",
      });
    }
  });

function isHttpsOrLoopback(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
}

export interface EntraSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  apiAudience: string;
}

/** How audit checkpoints are signed and how often (lib/audit/README.md, "Signed checkpoints"). */
export interface AuditSettings {
  /** Ed25519 private key (PKCS#8 PEM); generated into the data directory in sandbox mode. */
  signingKey: string | undefined;
  /** Or a Key Vault key that signs (its private part never leaves the vault). */
  keyVaultKeyId: string | undefined;
  /** Public keys of earlier signing keys, so their checkpoints still verify. */
  trustedPublicKeys: JsonWebKey[];
  /** A checkpoint at the latest after this many events … */
  checkpointEvents: number;
  /** … or this many minutes after the last one, when events came since. */
  checkpointMinutes: number;
}

export interface RoleNames {
  admin: string;
  reviewer: string;
  reader: string;
}

export interface AppConfig {
  port: number;
  appUrl: string;
  dataDir: string;
  /**
   * PostgreSQL: `url` is the runtime role's (DATABASE_URL); `migrationUrl` the owner's that
   * migrates (MIGRATION_DATABASE_URL, or the same URL when unset: weaker, see README).
   */
  database: { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string; migrationUrl: string };
  /** Undefined before the launcher has started the sandbox (sandbox mode, launcher only). */
  entra: EntraSettings | undefined;
  sandbox: boolean;
  roles: RoleNames;
  session: { idleMinutes: number; maxHours: number };
  /** Undefined only in sandbox mode, where the launcher generates and persists one. */
  fingerprintKey: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  audit: AuditSettings;
  /** Wait between polls of APIM's long-running operations when APIM sends no Retry-After. */
  apimPollIntervalMs: number;
  /** ARM endpoints Portcullis sends its ARM token to: Azure's clouds, the simulator, ARM_ENDPOINTS_ALLOWED. */
  allowedArmEndpoints: readonly AllowedArmEndpoint[];
  /** Work that runs on its own (lib/scheduler/README.md). */
  scheduler: {
    /** SCHEDULER=off: this process runs no scheduled job (others on the same database still may). */
    enabled: boolean;
    /** Minutes between drift scans of each instance; null: no scheduled scans. */
    driftScanMinutes: number | null;
  };
  /** Default minutes a rotated-out named value is kept (roll back possible) before it is deleted. */
  rotationGraceMinutes: number;
  verification: VerificationSettings;
  /** Where client application names are looked up (GRAPH_LOOKUP); null: not looked up. */
  graph: GraphSettings | null;
  /**
   * Sandbox only: the simulator's webhook receiver (`<simulator>/_sandbox/webhooks/`), the one
   * loopback address a webhook may point at (lib/notifications/webhook-url.ts).
   */
  sandboxWebhookReceiver: string | undefined;
}

export interface GraphSettings {
  /** Microsoft Graph of the app's cloud, or the sandbox identity provider's stand-in for it. */
  endpoint: string;
  /** The `.default` scope the app's token for it is asked with. */
  scope: string;
}

/** Microsoft Graph of each Entra cloud, by its sign-in host. */
const GRAPH_OF_CLOUD: Record<string, string> = {
  "login.microsoftonline.com": "https://graph.microsoft.com",
  "login.microsoftonline.us": "https://graph.microsoft.us",
  "login.chinacloudapi.cn": "https://microsoftgraph.chinacloudapi.cn",
  "login.partner.microsoftonline.cn": "https://microsoftgraph.chinacloudapi.cn",
};

/**
 * Graph lookups: on when GRAPH_LOOKUP=true, and in the sandbox unless GRAPH_LOOKUP=false. The
 * app's token is only ever sent to its cloud's Graph, or in the sandbox to the sandbox's stand-in.
 */
function graphSettings(
  lookup: "true" | "false" | undefined,
  sandbox: boolean,
  sandboxEndpoint: string | undefined,
  authorityHost: string | undefined,
): GraphSettings | null {
  if ((lookup ?? (sandbox ? "true" : "false")) === "false") return null;
  if (sandbox)
    return sandboxEndpoint === undefined
      ? null
      : { endpoint: new URL(sandboxEndpoint).origin, scope: "https://graph.microsoft.com/.default" };
  const endpoint = GRAPH_OF_CLOUD[new URL(authorityHost ?? "https://login.microsoftonline.com").hostname];
  return endpoint === undefined ? null : { endpoint, scope: `${endpoint}/.default` };
}

export interface VerificationSettings {
  /** Probes sent to one gateway per minute at most (VERIFY_PROBES_PER_MINUTE). */
  probesPerMinute: number;
  /**
   * The audience wrong-audience probe tokens are minted for (VERIFY_WRONG_AUDIENCE): an app
   * registration without an API, so the token is valid nowhere. Null: that probe is not sent.
   */
  wrongAudience: string | null;
  /** Origins besides APIM's gateway domains an instance's gateway URL may name (VERIFY_GATEWAYS_ALLOWED). */
  gatewaysAllowed: readonly string[];
  /** Sandbox only: caller client applications whose tokens prove that allowed callers get in. */
  sandboxCallerClients: ReadonlyArray<{ clientId: string; clientSecret: string; displayName: string }>;
}

/** Parses the environment; throws AppError("config") naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    throw new AppError("config", fields.map((f) => `${f.path} ${f.message}`).join("; "), { fields });
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.DATA_DIR ?? ".data");
  const entra =
    e.AZURE_TENANT_ID && e.AZURE_CLIENT_ID && e.AZURE_CLIENT_SECRET
      ? {
          tenantId: e.AZURE_TENANT_ID,
          clientId: e.AZURE_CLIENT_ID,
          clientSecret: e.AZURE_CLIENT_SECRET,
          authorityHost: (e.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com").replace(/\/+$/, ""),
          apiAudience: e.API_AUDIENCE ?? `api://${e.AZURE_CLIENT_ID}`,
        }
      : undefined;
  const sandbox = entra === undefined || e.PORTCULLIS_SANDBOX === "1";
  return {
    port: e.PORT,
    appUrl: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    dataDir,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, migrationUrl: e.MIGRATION_DATABASE_URL ?? e.DATABASE_URL }
      : { kind: "pglite", dataDir: path.join(dataDir, "pglite") },
    entra,
    sandbox,
    roles: {
      admin: e.ROLE_ADMIN ?? "Portcullis.Admin",
      reviewer: e.ROLE_REVIEWER ?? "Portcullis.Reviewer",
      reader: e.ROLE_READER ?? "Portcullis.Reader",
    },
    session: { idleMinutes: e.SESSION_IDLE_MINUTES, maxHours: e.SESSION_MAX_HOURS },
    fingerprintKey: e.FINGERPRINT_KEY,
    logLevel: e.LOG_LEVEL ?? "info",
    apimPollIntervalMs: e.APIM_POLL_INTERVAL_MS,
    allowedArmEndpoints: [
      ...AZURE_CLOUD_ENDPOINTS,
      ...(e.SANDBOX_ARM_ENDPOINT
        ? [{ origin: new URL(e.SANDBOX_ARM_ENDPOINT).origin, cloud: "AzureCloud" as const }]
        : []),
      ...e.ARM_ENDPOINTS_ALLOWED,
    ],
    scheduler: { enabled: e.SCHEDULER !== "off", driftScanMinutes: e.DRIFT_SCAN_MINUTES },
    rotationGraceMinutes: e.ROTATION_GRACE_MINUTES,
    verification: {
      probesPerMinute: e.VERIFY_PROBES_PER_MINUTE,
      wrongAudience: e.VERIFY_WRONG_AUDIENCE ?? null,
      gatewaysAllowed: e.VERIFY_GATEWAYS_ALLOWED,
      sandboxCallerClients: sandbox ? e.SANDBOX_CALLER_CLIENTS : [],
    },
    graph: graphSettings(e.GRAPH_LOOKUP, sandbox, e.SANDBOX_GRAPH_ENDPOINT, entra?.authorityHost),
    audit: {
      signingKey: e.AUDIT_SIGNING_KEY,
      keyVaultKeyId: e.AUDIT_KEY_VAULT_KEY_ID,
      trustedPublicKeys: e.AUDIT_TRUSTED_PUBLIC_KEYS ?? [],
      checkpointEvents: e.AUDIT_CHECKPOINT_EVENTS,
      checkpointMinutes: e.AUDIT_CHECKPOINT_MINUTES,
    },
    sandboxWebhookReceiver: e.SANDBOX_ARM_ENDPOINT
      ? new URL("/_sandbox/webhooks/", e.SANDBOX_ARM_ENDPOINT).href
      : undefined,
  };
}

let cached: AppConfig | undefined;

/** The process's configuration, parsed on first use. */
export function getConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
