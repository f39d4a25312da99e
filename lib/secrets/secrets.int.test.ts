import { describe, expect, it } from "vitest";
import { appErrorOf } from "../../test/support/apim/app-error";
import type { RequestContext } from "../auth/request-context";
import { apimClientForInstance } from "../apim/client-for-instance";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { createKeyVaultSecret } from "./create-key-vault-secret";
import { createSecret } from "./create-secret";
import { fingerprintWithKey } from "./fingerprint";
import { getSecret } from "./get-secret";
import { listSecrets } from "./list-secrets";
import { refreshKeyVaultSecret } from "./refresh-key-vault-secret";
import { startRotation } from "../rotation/start-rotation";
import { setKeyVaultSecret } from "../../test/support/simulated-key-vault";

const sandbox = setupSandboxHarness();
// A fresh context per call gives each call its own request id, which finds its audit events.
const admin = () => contextFor("admin");
const VALUE = "sk-it-value-7f3a9c2e-do-not-leak";
const OTHER_VALUE = "sk-it-value-2-b81d44f0-do-not-leak";
const IDENTITY = "11111111-2222-3333-4444-555555555555";

const apim = () => apimClientForInstance(sandbox.instance);
const instanceId = () => sandbox.instance.id;
const fingerprint = (value: string) => fingerprintWithKey(process.env.FINGERPRINT_KEY!, value);
const eventsOf = (ctx: RequestContext) =>
  sandbox.db.prisma.auditEvent.findMany({ where: { requestId: ctx.requestId }, orderBy: { seq: "asc" } });
const rowOf = (id: string | null) => sandbox.db.prisma.secret.findUniqueOrThrow({ where: { id: id! } });
const vault = (name: string, version = "") =>
  `https://portcullis-it.vault.azure.net/secrets/${name}${version && `/${version}`}`;

async function writesSent() {
  return (await sandbox.controls.requests()).filter((request) =>
    ["PUT", "PATCH", "DELETE", "POST"].includes(request.method),
  );
}

describe("creating a secret with a typed value", () => {
  it("sends the value to APIM only, keeps its fingerprint and audits the creation", async () => {
    await sandbox.controls.clearRequests();
    const ctx = admin();

    const created = await createSecret(ctx, { instanceId: instanceId(), name: "openai-key", value: VALUE });

    expect(created).toMatchObject({
      name: "openai-key",
      namedValueId: "openai-key",
      origin: "portcullis",
      kind: "value",
      keyVault: null,
      inApim: true,
      createdBy: ctx.actor.name,
      rotatedAt: null,
      warnings: [],
    });
    expect(created.fingerprint).toBe(fingerprint(VALUE));
    expect(created.fingerprint).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    expect((await apim().getNamedValue("openai-key")).value).toMatchObject({
      displayName: "openai-key",
      secret: true,
      keyVault: null,
    });
    const row = await rowOf(created.id);
    expect(row).toMatchObject({ kind: "value", fingerprint: created.fingerprint, displayName: "openai-key" });
    expect(JSON.stringify(row)).not.toContain(VALUE);
    const events = await eventsOf(ctx);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "secret.create",
      outcome: "success",
      targetType: "secret",
      targetId: created.id,
      armCorrelationId: ctx.requestId,
    });
    expect(events[0]!.after).toMatchObject({ name: "openai-key", kind: "value", fingerprint: created.fingerprint });
    // A create sends no If-Match (there is nothing to match) and nothing ever reads a value.
    expect((await writesSent()).map((request) => [request.method, request.ifMatchSent])).toEqual([["PUT", false]]);
    expect((await sandbox.controls.requests()).some((request) => request.url.includes("/listValue"))).toBe(false);
  });

  it("refuses a name APIM already has, managed or external, comparing names as APIM does", async () => {
    const managed = await createSecret(admin(), { instanceId: instanceId(), name: "dup-key", value: VALUE });
    const seededEtag = (await apim().getNamedValue("azure-openai-api-key")).value!.etag;
    await sandbox.controls.clearRequests();

    const ctx = admin();
    const again = await appErrorOf(
      createSecret(ctx, { instanceId: instanceId(), name: "DUP-key", value: OTHER_VALUE }),
    );
    expect(again.code).toBe("conflict");
    expect(again.message).toMatch(/Portcullis manages it .*rotate it instead/);
    expect(again.details).toEqual({ secretId: managed.id });
    expect(again.fields).toEqual([{ path: "name", message: "is already used by a named value in APIM" }]);
    expect(
      (await eventsOf(ctx)).map((event) => [
        event.action,
        event.outcome,
        (event.after as { error: { code: string } }).error.code,
      ]),
    ).toEqual([["secret.create", "failure", "conflict"]]);

    const external = await appErrorOf(
      createSecret(admin(), { instanceId: instanceId(), name: "azure-openai-api-key", value: OTHER_VALUE }),
    );
    expect(external.code).toBe("conflict");
    expect(external.message).toMatch(/not created through Portcullis/);
    expect(external.details).toEqual({});

    expect(await writesSent()).toEqual([]);
    expect((await apim().getNamedValue("azure-openai-api-key")).value!.etag).toBe(seededEtag);
    expect((await rowOf(managed.id)).fingerprint).toBe(fingerprint(VALUE));
  });

  it.each([
    ["a name with a space", { name: "has space" }, "name"],
    ["an empty name", { name: "" }, "name"],
    ["a name longer than 256", { name: "n".repeat(257) }, "name"],
    ["a name that is a reference", { name: "{{other}}" }, "name"],
    ["an empty value", { value: "" }, "value"],
    ["a value of only whitespace", { value: " \t\r\n\u00a0" }, "value"],
    ["a value longer than 4096", { value: `${VALUE}${"x".repeat(4096)}` }, "value"],
  ])("rejects %s, naming the field without echoing the value, before calling APIM", async (_case, change, field) => {
    await sandbox.controls.clearRequests();
    const ctx = admin();
    const input = { instanceId: instanceId(), name: "valid-name", value: VALUE, ...change };

    const error = await appErrorOf(createSecret(ctx, input));

    expect(error.code).toBe("bad_request");
    expect(error.fields.map((issue) => issue.path)).toEqual([field]);
    expect(JSON.stringify({ message: error.message, fields: error.fields, details: error.details })).not.toContain(
      VALUE,
    );
    expect(await sandbox.controls.requests()).toEqual([]);
    expect(await eventsOf(ctx)).toEqual([]);
  });
});

describe("Key Vault references", () => {
  it("creates one read with a user-assigned identity and records APIM's lastStatus", async () => {
    await setKeyVaultSecret(sandbox.coordinates.armEndpoint, { secretIdentifier: vault("kv-openai"), value: VALUE });
    const ctx = admin();

    const created = await createKeyVaultSecret(ctx, {
      instanceId: instanceId(),
      name: "kv-openai",
      secretIdentifier: vault("kv-openai"),
      identityClientId: IDENTITY,
    });

    expect(created).toMatchObject({
      kind: "keyVault",
      fingerprint: null,
      warnings: [],
      keyVault: { secretIdentifier: vault("kv-openai"), identityClientId: IDENTITY, lastStatus: { code: "Success" } },
    });
    expect(await rowOf(created.id)).toMatchObject({
      kind: "keyVault",
      fingerprint: null,
      keyVaultSecretId: vault("kv-openai"),
      keyVaultIdentity: IDENTITY,
      lastStatus: { code: "Success" },
    });
    expect((await eventsOf(ctx))[0]).toMatchObject({
      action: "secret.create",
      outcome: "success",
      after: {
        kind: "keyVault",
        keyVault: { secretIdentifier: vault("kv-openai"), identityClientId: IDENTITY },
        lastStatus: { code: "Success" },
      },
    });
    expect((await apim().getNamedValue("kv-openai")).value).toMatchObject({
      secret: true,
      keyVault: { secretIdentifier: vault("kv-openai"), identityClientId: IDENTITY },
    });
  });

  it("accepts a versioned identifier with a warning, and APIM's system identity when none is given", async () => {
    const versioned = vault("kv-pinned", "0123456789abcdef0123456789abcdef");

    const created = await createKeyVaultSecret(admin(), {
      instanceId: instanceId(),
      name: "kv-pinned",
      secretIdentifier: versioned,
    });

    expect(created.keyVault).toMatchObject({ secretIdentifier: versioned, identityClientId: null });
    expect(created.warnings).toEqual([expect.stringMatching(/names one version of the secret/)]);
  });

  it.each([
    ["plain http", { secretIdentifier: "http://contoso.vault.azure.net/secrets/key" }, "secretIdentifier"],
    ["a host that is not a vault", { secretIdentifier: "https://contoso.example.com/secrets/key" }, "secretIdentifier"],
    [
      "a vault key rather than a secret",
      { secretIdentifier: "https://contoso.vault.azure.net/keys/key" },
      "secretIdentifier",
    ],
    [
      "a query string",
      { secretIdentifier: "https://contoso.vault.azure.net/secrets/key?api-version=7.4" },
      "secretIdentifier",
    ],
    ["an identity that is not a GUID", { identityClientId: "my-identity" }, "identityClientId"],
  ])("rejects %s", async (_case, change, field) => {
    const error = await appErrorOf(
      createKeyVaultSecret(admin(), {
        instanceId: instanceId(),
        name: "kv-bad",
        secretIdentifier: vault("key"),
        ...change,
      }),
    );
    expect(error.code).toBe("bad_request");
    expect(error.fields.map((issue) => issue.path)).toEqual([field]);
  });

  it("reports a secret APIM cannot read from the vault as APIM's error, recording only the failure", async () => {
    await setKeyVaultSecret(sandbox.coordinates.armEndpoint, {
      secretIdentifier: vault("kv-denied"),
      failure: { code: "Forbidden", message: "The identity lacks secrets/get" },
    });
    const ctx = admin();

    const error = await appErrorOf(
      createKeyVaultSecret(ctx, { instanceId: instanceId(), name: "kv-denied", secretIdentifier: vault("kv-denied") }),
    );

    expect(error.code).toBe("bad_request");
    expect(error.message).toMatch(/lacks secrets\/get/);
    expect(await sandbox.db.prisma.secret.findFirst({ where: { namedValueId: "kv-denied" } })).toBeNull();
    expect((await eventsOf(ctx)).map((event) => [event.action, event.outcome, event.targetType])).toEqual([
      ["secret.create", "failure", "instance"],
    ]);
  });

  it("refreshes: records Success, or the Key Vault error APIM reports as a failed refresh", async () => {
    const secretIdentifier = vault("kv-refresh");
    await setKeyVaultSecret(sandbox.coordinates.armEndpoint, { secretIdentifier, value: VALUE });
    const created = await createKeyVaultSecret(admin(), {
      instanceId: instanceId(),
      name: "kv-refresh",
      secretIdentifier,
    });

    await setKeyVaultSecret(sandbox.coordinates.armEndpoint, {
      secretIdentifier,
      failure: { code: "SecretDisabled", message: "Operation get is not allowed on a disabled secret." },
    });
    const failing = admin();
    const failed = await refreshKeyVaultSecret(failing, { secretId: created.id! });
    expect(failed.keyVault?.lastStatus).toMatchObject({
      code: "SecretDisabled",
      message: "Operation get is not allowed on a disabled secret.",
    });
    expect(failed.warnings).toEqual([
      expect.stringMatching(/could not fetch the secret from Key Vault at .*: SecretDisabled/),
    ]);
    expect((await rowOf(created.id)).lastStatus).toMatchObject({ code: "SecretDisabled" });
    expect((await eventsOf(failing))[0]).toMatchObject({
      action: "secret.refresh",
      outcome: "failure",
      before: { lastStatus: { code: "Success" } },
      after: { lastStatus: { code: "SecretDisabled" } },
    });

    await setKeyVaultSecret(sandbox.coordinates.armEndpoint, { secretIdentifier, value: OTHER_VALUE });
    const succeeding = admin();
    const refreshed = await refreshKeyVaultSecret(succeeding, { secretId: created.id! });
    expect(refreshed.keyVault?.lastStatus?.code).toBe("Success");
    expect(refreshed.warnings).toEqual([]);
    expect((await eventsOf(succeeding))[0]).toMatchObject({ action: "secret.refresh", outcome: "success" });
  });

  it("refuses to rotate a Key Vault reference and to refresh a typed value", async () => {
    const keyVault = await createKeyVaultSecret(admin(), {
      instanceId: instanceId(),
      name: "kv-no-rotate",
      secretIdentifier: vault("kv-no-rotate"),
    });
    const typed = await createSecret(admin(), { instanceId: instanceId(), name: "typed-no-refresh", value: VALUE });

    expect(await appErrorOf(startRotation(admin(), { secretId: keyVault.id!, value: VALUE }))).toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/rotate it in Key Vault, then refresh/),
    });
    expect(await appErrorOf(refreshKeyVaultSecret(admin(), { secretId: typed.id! }))).toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/rotate it instead/),
    });
  });
});

/*
 * Rotation is lib/rotation's (a new named value, plans that switch the references, a grace period):
 * there is no in-place overwrite. What the in-place rotate promised still holds there and is
 * checked here: the key goes to APIM only, nothing is written over someone else's change, an ARM
 * failure keeps the record and is audited, and a named value deleted outside is reported.
 */
describe("rotating a typed secret", () => {
  const rotationStarts = (ctx: RequestContext) =>
    eventsOf(ctx).then((events) => events.filter((event) => event.action === "secret.rotation.start"));

  it("writes the new key to a new named value only (never over the old one), and audits both fingerprints", async () => {
    const created = await createSecret(admin(), { instanceId: instanceId(), name: "rotate-me", value: VALUE });
    await sandbox.controls.clearRequests();
    const ctx = admin();

    const rotation = await startRotation(ctx, { secretId: created.id!, value: OTHER_VALUE });

    expect(rotation.newNamedValue).toMatchObject({ name: expect.stringMatching(/^rotate-me-r\d{17}$/) });
    expect(rotation.newNamedValue.fingerprint).toBe(fingerprint(OTHER_VALUE));
    const writes = await writesSent();
    expect(
      writes.map((request) => [request.method, new URL(request.url, "http://arm").pathname.split("/").pop()]),
    ).toEqual([["PUT", rotation.newNamedValue.name]]);
    // Created only if absent: an existing named value of that name is never overwritten.
    expect(writes[0]).toMatchObject({ ifMatchSent: false });
    expect(await rowOf(created.id)).toMatchObject({ fingerprint: created.fingerprint, namedValueId: "rotate-me" });
    expect((await rotationStarts(ctx))[0]).toMatchObject({
      outcome: "success",
      before: { namedValue: "rotate-me", fingerprint: created.fingerprint },
      after: { namedValue: rotation.newNamedValue.name, fingerprint: fingerprint(OTHER_VALUE) },
    });
  });

  it("surfaces an ARM 5xx as unavailable, keeps the record and audits the failure", async () => {
    const created = await createSecret(admin(), { instanceId: instanceId(), name: "rotate-5xx", value: VALUE });
    await sandbox.controls.clearRequests();
    await sandbox.controls.setFaults({
      rules: [
        {
          kind: "serverError",
          rate: 1,
          status: 500,
          match: { methods: ["PUT"], path: "/namedValues/rotate-5xx-r\\d+$" },
        },
      ],
    });
    const ctx = admin();

    const error = await appErrorOf(startRotation(ctx, { secretId: created.id!, value: OTHER_VALUE })).finally(() =>
      sandbox.controls.clearFaults(),
    );

    expect(error.code).toBe("unavailable");
    expect(JSON.stringify(error)).not.toContain(OTHER_VALUE);
    const puts = await writesSent();
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.every((request) => request.method === "PUT" && request.status === 500)).toBe(true);
    expect(await rowOf(created.id)).toMatchObject({ fingerprint: created.fingerprint, rotatedAt: null });
    expect(await sandbox.db.prisma.secretRotation.count({ where: { secretId: created.id! } })).toBe(0);
    expect((await rotationStarts(ctx))[0]).toMatchObject({
      outcome: "failure",
      after: { fingerprint: fingerprint(OTHER_VALUE), error: { code: "unavailable", status: 500 } },
    });
  });

  it("reports a named value deleted in APIM: not found on rotate, a warning in the list, and a new create replaces the record", async () => {
    const created = await createSecret(admin(), { instanceId: instanceId(), name: "deleted-outside", value: VALUE });
    await apim().deleteNamedValue("deleted-outside", {
      etag: (await apim().getNamedValue("deleted-outside")).value!.etag,
    });

    expect((await appErrorOf(startRotation(admin(), { secretId: created.id!, value: OTHER_VALUE }))).code).toBe(
      "not_found",
    );
    const shown = await getSecret(contextFor("reader"), { secretId: created.id! });
    expect(shown).toMatchObject({
      inApim: false,
      warnings: [expect.stringMatching(/APIM no longer has this named value/)],
    });

    const ctx = admin();
    const again = await createSecret(ctx, { instanceId: instanceId(), name: "deleted-outside", value: OTHER_VALUE });
    expect(again).toMatchObject({ id: created.id, inApim: true, fingerprint: fingerprint(OTHER_VALUE) });
    expect((await eventsOf(ctx))[0]).toMatchObject({
      action: "secret.create",
      before: { fingerprint: fingerprint(VALUE) },
    });
  });
});

describe("reading secrets", () => {
  it("merges managed secrets with APIM's other secret named values, by name, in cursor pages", async () => {
    const reader = contextFor("reader");
    const all = (await listSecrets(reader, { instanceId: instanceId(), limit: 200 })).items;

    const external = all.filter((secret) => secret.origin === "external");
    expect(external).toEqual([
      expect.objectContaining({
        id: null,
        name: "azure-openai-api-key",
        kind: "value",
        fingerprint: null,
        keyVault: null,
      }),
      expect.objectContaining({
        id: null,
        name: "foundry-api-key",
        kind: "keyVault",
        keyVault: expect.objectContaining({ secretIdentifier: expect.stringContaining("/secrets/foundry-api-key") }),
      }),
    ]);
    // entra-tenant-id is a plain named value, not a secret.
    expect(all.map((secret) => secret.name)).not.toContain("entra-tenant-id");
    const managed = await sandbox.db.prisma.secret.findMany();
    expect(
      all
        .filter((secret) => secret.origin === "portcullis")
        .map((secret) => secret.id)
        .sort(),
    ).toEqual(managed.map((row) => row.id).sort());
    const names = all.map((secret) => secret.name.toLowerCase());
    expect(names).toEqual([...names].sort());

    const paged = [];
    let cursor: string | undefined;
    do {
      const page = await listSecrets(reader, { instanceId: instanceId(), limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it("shows one managed secret by id; an unknown id is not found", async () => {
    const created = await createSecret(admin(), { instanceId: instanceId(), name: "get-me", value: VALUE });
    expect(await getSecret(contextFor("reviewer"), { secretId: created.id! })).toEqual(created);
    expect(
      (await appErrorOf(getSecret(contextFor("reader"), { secretId: "00000000-0000-4000-8000-000000000000" }))).code,
    ).toBe("not_found");
  });
});

describe("permissions", () => {
  it("gives readers and reviewers 403 on every change, audits each denial and never calls APIM", async () => {
    const typed = await createSecret(admin(), { instanceId: instanceId(), name: "guarded", value: VALUE });
    const keyVault = await createKeyVaultSecret(admin(), {
      instanceId: instanceId(),
      name: "kv-guarded",
      secretIdentifier: vault("kv-guarded"),
    });
    await sandbox.controls.clearRequests();

    for (const role of ["reader", "reviewer"] as const) {
      const ctx = contextFor(role);
      const attempts = [
        () => createSecret(ctx, { instanceId: instanceId(), name: "not-allowed", value: VALUE }),
        () =>
          createKeyVaultSecret(ctx, { instanceId: instanceId(), name: "not-allowed", secretIdentifier: vault("x") }),
        () => startRotation(ctx, { secretId: typed.id!, value: VALUE }),
        () => refreshKeyVaultSecret(ctx, { secretId: keyVault.id! }),
      ];
      for (const attempt of attempts) expect((await appErrorOf(attempt())).code).toBe("forbidden");
      expect((await eventsOf(ctx)).map((event) => [event.action, event.outcome, event.targetId])).toEqual(
        Array(4).fill(["auth.denied", "denied", "config.write"]),
      );
    }
    expect(await sandbox.controls.requests()).toEqual([]);
  });
});
