import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { loadConfig } from "./env";

const entra = {
  AZURE_TENANT_ID: "11111111-1111-1111-1111-111111111111",
  AZURE_CLIENT_ID: "22222222-2222-2222-2222-222222222222",
  AZURE_CLIENT_SECRET: "s3cret",
  APP_URL: "https://portcullis.example.com",
  FINGERPRINT_KEY: "k".repeat(48),
  AUDIT_SIGNING_KEY: pem("ed25519"),
};

function pem(type: "ed25519" | "ec"): string {
  const { privateKey } =
    type === "ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("ec", { namedCurve: "P-256" });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, "/srv");
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).fields.map((f) => `${f.path}: ${f.message}`);
  }
  return [];
}

describe("configuration from the environment", () => {
  it("defaults to sandbox mode with the embedded database under .data", () => {
    const config = loadConfig({}, "/srv");
    expect(config).toMatchObject({
      sandbox: true,
      entra: undefined,
      port: 3000,
      appUrl: "http://localhost:3000",
      database: { kind: "pglite", dataDir: "/srv/.data/pglite" },
      roles: { admin: "Portcullis.Admin", reviewer: "Portcullis.Reviewer", reader: "Portcullis.Reader" },
      session: { idleMinutes: 30, maxHours: 8 },
    });
  });

  it("uses Entra ID and PostgreSQL when configured, with derived defaults", () => {
    const config = loadConfig(
      { ...entra, DATABASE_URL: "postgres://u:p@db:5432/portcullis", PORT: "8080", ROLE_ADMIN: "Gate.Admin" },
      "/srv",
    );
    expect(config).toMatchObject({
      sandbox: false,
      entra: {
        tenantId: entra.AZURE_TENANT_ID,
        authorityHost: "https://login.microsoftonline.com",
        apiAudience: `api://${entra.AZURE_CLIENT_ID}`,
      },
      database: {
        kind: "postgres",
        url: "postgres://u:p@db:5432/portcullis",
        migrationUrl: "postgres://u:p@db:5432/portcullis",
      },
      port: 8080,
      roles: { admin: "Gate.Admin" },
    });
  });

  it("migrates with the owner's MIGRATION_DATABASE_URL and runs with DATABASE_URL, which it needs", () => {
    const owner = "postgres://owner:p@db:5432/portcullis";
    expect(
      loadConfig({ DATABASE_URL: "postgres://app@db:5432/portcullis", MIGRATION_DATABASE_URL: owner }).database,
    ).toEqual({ kind: "postgres", url: "postgres://app@db:5432/portcullis", migrationUrl: owner });
    expect(problems({ MIGRATION_DATABASE_URL: owner })).toEqual([
      "MIGRATION_DATABASE_URL: needs DATABASE_URL too (the embedded database has a single role)",
    ]);
  });

  it("needs a key outside the database to sign audit checkpoints with Entra ID, and refuses one that is not Ed25519", () => {
    const { AUDIT_SIGNING_KEY: key, ...withoutKey } = entra;
    expect(problems(withoutKey)).toEqual([
      expect.stringMatching(/^AUDIT_SIGNING_KEY: \(or AUDIT_KEY_VAULT_KEY_ID\) is required/),
    ]);
    const vault = "https://contoso.vault.azure.net/keys/portcullis-audit";
    expect(loadConfig({ ...withoutKey, AUDIT_KEY_VAULT_KEY_ID: vault }).audit).toMatchObject({
      keyVaultKeyId: vault,
      signingKey: undefined,
      checkpointEvents: 1000,
      checkpointMinutes: 60,
    });
    // An environment variable often carries the PEM's newlines as \n.
    expect(loadConfig({ ...entra, AUDIT_SIGNING_KEY: key.replace(/\n/g, "\\n") }).audit.signingKey).toBeDefined();
    expect(problems({ ...entra, AUDIT_SIGNING_KEY: pem("ec") })).toEqual([
      "AUDIT_SIGNING_KEY: is a ec key; it must be an Ed25519 key (`openssl genpkey -algorithm ed25519`)",
    ]);
    expect(problems({ ...entra, AUDIT_SIGNING_KEY: "not a key" })).toEqual([
      expect.stringMatching(/^AUDIT_SIGNING_KEY: is not a PEM private key/),
    ]);
    expect(problems({ ...entra, AUDIT_KEY_VAULT_KEY_ID: vault })).toEqual([
      expect.stringMatching(/^AUDIT_KEY_VAULT_KEY_ID: cannot be set together with AUDIT_SIGNING_KEY/),
    ]);
    expect(problems({ ...withoutKey, AUDIT_KEY_VAULT_KEY_ID: "http://vault/secrets/x" })).toEqual([
      expect.stringMatching(/^AUDIT_KEY_VAULT_KEY_ID: must be a Key Vault key identifier/),
    ]);
    expect(problems({ AUDIT_TRUSTED_PUBLIC_KEYS: "[{}]" })).toEqual([
      expect.stringMatching(/^AUDIT_TRUSTED_PUBLIC_KEYS: must be a JSON Web Key Set/),
    ]);
  });

  it("names each variable that is wrong and why", () => {
    expect(
      problems({ PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud", SESSION_IDLE_MINUTES: "0" }),
    ).toEqual([
      "PORT: must be a positive whole number",
      "DATABASE_URL: must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)",
      "SESSION_IDLE_MINUTES: must be a positive whole number",
      expect.stringMatching(/^LOG_LEVEL: /),
    ]);
  });

  it("requires all three AZURE_* variables together, naming the missing ones", () => {
    expect(problems({ AZURE_TENANT_ID: entra.AZURE_TENANT_ID })).toEqual([
      expect.stringMatching(/^AZURE_CLIENT_ID: is required because AZURE_TENANT_ID is set/),
      expect.stringMatching(/^AZURE_CLIENT_SECRET: is required because AZURE_TENANT_ID is set/),
    ]);
  });

  it("requires a shared fingerprint key and an https public URL with Entra ID", () => {
    const { FINGERPRINT_KEY: _key, ...withoutKey } = entra;
    expect(problems(withoutKey)).toEqual([expect.stringMatching(/^FINGERPRINT_KEY: is required/)]);
    expect(problems({ ...entra, APP_URL: "http://portcullis.example.com" })).toEqual([
      expect.stringMatching(/^APP_URL: must use https/),
    ]);
    expect(problems({ ...entra, FINGERPRINT_KEY: "short" })).toEqual([
      expect.stringMatching(/^FINGERPRINT_KEY: must be at least 32/),
    ]);
  });

  it("refuses a tenant that is not a GUID", () => {
    expect(problems({ ...entra, AZURE_TENANT_ID: "contoso.onmicrosoft.com" })).toEqual([
      "AZURE_TENANT_ID: must be the tenant's GUID",
    ]);
  });

  it("allows Azure's ARM endpoints, the sandbox's simulator and those listed in ARM_ENDPOINTS_ALLOWED", () => {
    const origins = (env: Record<string, string>) => loadConfig(env, "/srv").allowedArmEndpoints.map((e) => e.origin);
    const clouds = [
      "https://management.azure.com",
      "https://management.usgovcloudapi.net",
      "https://management.chinacloudapi.cn",
    ];
    expect(origins(entra)).toEqual(clouds);
    expect(origins({ SANDBOX_ARM_ENDPOINT: "https://127.0.0.1:3002" })).toEqual([...clouds, "https://127.0.0.1:3002"]);
    expect(
      loadConfig({ ...entra, ARM_ENDPOINTS_ALLOWED: "https://arm.contoso.example=AzureChinaCloud" }, "/srv")
        .allowedArmEndpoints,
    ).toContainEqual({ origin: "https://arm.contoso.example", cloud: "AzureChinaCloud" });
  });

  it("names a bad ARM_ENDPOINTS_ALLOWED entry, and a sandbox endpoint outside sandbox mode", () => {
    expect(problems({ ...entra, ARM_ENDPOINTS_ALLOWED: "http://arm.example" })).toEqual([
      expect.stringMatching(/^ARM_ENDPOINTS_ALLOWED: "http:\/\/arm.example" is not an https:\/\/ origin/),
    ]);
    expect(problems({ ...entra, SANDBOX_ARM_ENDPOINT: "https://127.0.0.1:3002" })).toEqual([
      expect.stringMatching(/^SANDBOX_ARM_ENDPOINT: is the sandbox's own setting/),
    ]);
  });

  it("scans for drift hourly unless DRIFT_SCAN_MINUTES says otherwise or off, and runs the scheduler unless SCHEDULER=off", () => {
    expect(loadConfig({}, "/srv").scheduler).toEqual({ enabled: true, driftScanMinutes: 60 });
    expect(loadConfig({ DRIFT_SCAN_MINUTES: "15", SCHEDULER: "off" }, "/srv").scheduler).toEqual({
      enabled: false,
      driftScanMinutes: 15,
    });
    expect(loadConfig({ DRIFT_SCAN_MINUTES: "off" }, "/srv").scheduler.driftScanMinutes).toBeNull();
    expect(problems({ DRIFT_SCAN_MINUTES: "0", SCHEDULER: "maybe" })).toEqual([
      'DRIFT_SCAN_MINUTES: must be a positive whole number or "off"',
      'SCHEDULER: must be "on" or "off"',
    ]);
  });
  it("looks client application names up in Microsoft Graph only when GRAPH_LOOKUP=true, at the cloud's own Graph", () => {
    expect(loadConfig(entra, "/srv").graph).toBeNull();
    expect(loadConfig({ ...entra, GRAPH_LOOKUP: "true" }, "/srv").graph).toEqual({
      endpoint: "https://graph.microsoft.com",
      scope: "https://graph.microsoft.com/.default",
    });
    expect(
      loadConfig({ ...entra, GRAPH_LOOKUP: "true", AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us" }, "/srv")
        .graph,
    ).toEqual({ endpoint: "https://graph.microsoft.us", scope: "https://graph.microsoft.us/.default" });
    expect(problems({ ...entra, GRAPH_LOOKUP: "yes" })).toEqual(['GRAPH_LOOKUP: must be "true" or "false"']);
    expect(problems({ ...entra, SANDBOX_GRAPH_ENDPOINT: "https://localhost:3001" })).toEqual([
      "SANDBOX_GRAPH_ENDPOINT: is the sandbox's own setting and not used with Entra ID configuration (Microsoft Graph is used)",
    ]);
  });

  it("in the sandbox asks the sandbox identity provider's Graph unless GRAPH_LOOKUP=false", () => {
    const sandbox = { SANDBOX_GRAPH_ENDPOINT: "https://localhost:3001" };
    expect(loadConfig(sandbox, "/srv").graph).toEqual({
      endpoint: "https://localhost:3001",
      scope: "https://graph.microsoft.com/.default",
    });
    expect(loadConfig({ ...sandbox, GRAPH_LOOKUP: "false" }, "/srv").graph).toBeNull();
    expect(loadConfig({}, "/srv").graph).toBeNull();
  });
});
