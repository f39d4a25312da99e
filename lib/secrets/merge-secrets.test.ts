import { describe, expect, it } from "vitest";
import type { NamedValue } from "../apim";
import type { Secret } from "../db/generated/client";
import { mergeSecrets } from "./merge-secrets";

const INSTANCE = "6f1d2c3b-0000-4000-8000-000000000001";

function row(namedValueId: string, changes: Partial<Secret> = {}): Secret {
  return {
    id: `id-${namedValueId}`,
    instanceId: INSTANCE,
    namedValueId,
    displayName: namedValueId,
    kind: "value",
    fingerprint: "hmac-sha256:00112233445566778899aabbccddeeff",
    keyVaultSecretId: null,
    keyVaultIdentity: null,
    lastStatus: null,
    createdAt: new Date("2026-11-01T10:00:00Z"),
    createdBy: "Ada Admin",
    rotatedAt: null,
    rotationIntervalDays: null,
    rotationDueNotifiedAt: null,
    ...changes,
  };
}

function live(name: string, changes: Partial<NamedValue> = {}): NamedValue {
  return {
    name,
    displayName: name,
    secret: true,
    tags: [],
    keyVault: null,
    provisioningState: "Succeeded",
    ...changes,
  };
}

const vault = (version = "") => `https://contoso.vault.azure.net/secrets/key${version}`;

describe("merging managed secrets with APIM's named values", () => {
  it("lists managed ones and APIM's other secret named values (not plain ones) by name, case-insensitively", () => {
    const merged = mergeSecrets(
      INSTANCE,
      [row("b-managed"), row("Shared-Key")],
      [live("c-external"), live("shared-key"), live("a-plain", { secret: false }), live("B-MANAGED")],
    );

    expect(merged.map((secret) => [secret.name, secret.origin, secret.inApim])).toEqual([
      ["B-MANAGED", "portcullis", true],
      ["c-external", "external", true],
      ["shared-key", "portcullis", true],
    ]);
    expect(merged[1]).toMatchObject({ id: null, fingerprint: null, createdAt: null, kind: "value" });
  });

  it("shows a managed secret APIM lost, with a warning", () => {
    const [gone] = mergeSecrets(INSTANCE, [row("gone")], []);
    expect(gone).toMatchObject({
      origin: "portcullis",
      inApim: false,
      warnings: [expect.stringContaining("{{gone}} will fail")],
    });
  });

  it("takes Key Vault details from APIM and warns about pinned versions and failed fetches", () => {
    const stored = row("kv", {
      kind: "keyVault",
      fingerprint: null,
      keyVaultSecretId: vault(),
      lastStatus: { code: "Success", message: null, timeStampUtc: null },
    });
    const lastStatus = { code: "Forbidden", message: "Access denied", timeStampUtc: "2026-11-02T08:00:00Z" };
    const [kv] = mergeSecrets(
      INSTANCE,
      [stored],
      [
        live("kv", {
          keyVault: {
            secretIdentifier: vault("/0123456789abcdef0123456789abcdef"),
            identityClientId: null,
            lastStatus,
          },
        }),
      ],
    );

    expect(kv!.keyVault).toEqual({
      secretIdentifier: vault("/0123456789abcdef0123456789abcdef"),
      identityClientId: null,
      lastStatus,
    });
    expect(kv!.warnings).toEqual([
      expect.stringContaining("names one version of the secret"),
      "APIM could not fetch the secret from Key Vault at 2026-11-02T08:00:00Z: Forbidden (Access denied).",
    ]);
  });

  it("keeps the recorded Key Vault details when APIM no longer has the named value", () => {
    const stored = row("kv", {
      kind: "keyVault",
      fingerprint: null,
      keyVaultSecretId: vault(),
      keyVaultIdentity: "11111111-2222-3333-4444-555555555555",
    });
    const [kv] = mergeSecrets(INSTANCE, [stored], []);
    expect(kv!.keyVault).toEqual({
      secretIdentifier: vault(),
      identityClientId: "11111111-2222-3333-4444-555555555555",
      lastStatus: null,
    });
  });
});
