import { beforeAll, describe, expect, it } from "vitest";
import * as secrets from "../../app/api/v1/instances/[id]/secrets/route";
import * as refresh from "../../app/api/v1/secrets/[id]/refresh/route";
import * as rotations from "../../app/api/v1/secrets/[id]/rotations/route";
import * as secret from "../../app/api/v1/secrets/[id]/route";
import { callRoute } from "../support/call-route";
import { setupSandboxHarness } from "../support/sandbox-harness";
import { setKeyVaultSecret } from "../support/simulated-key-vault";

const sandbox = setupSandboxHarness();
const VALUE = "sk-rest-value-5e1c0d9a-do-not-leak";
const OTHER_VALUE = "sk-rest-value-2-a7f09b3c-do-not-leak";
const VAULT_SECRET = "https://portcullis-rest.vault.azure.net/secrets/openai-key";

// The admin's token is a real client-credentials token from the sandbox provider (MSAL).
let [admin, reader, reviewer] = ["", "", ""];
beforeAll(async () => {
  [admin, reader, reviewer] = await Promise.all([
    sandbox.tokens.automation(),
    sandbox.tokens.user("reader"),
    sandbox.tokens.user("reviewer"),
  ]);
});

const instancePath = () => ({ path: `/instances/${sandbox.instance.id}/secrets`, params: { id: sandbox.instance.id } });
const create = (body: unknown, token = admin) => callRoute(secrets.POST, { ...instancePath(), token, body });
const secretCall = (id: string, suffix = "") => ({ path: `/secrets/${id}${suffix}`, params: { id } });

describe("REST: secrets", () => {
  it("creates a typed secret (201) and answers it without any value", async () => {
    const created = await create({ name: "rest-typed", value: VALUE });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "rest-typed",
      origin: "portcullis",
      kind: "value",
      fingerprint: expect.stringMatching(/^hmac-sha256:[0-9a-f]{32}$/),
    });
    expect(Object.keys(created.body as object)).not.toContain("value");
    expect(JSON.stringify(created.body)).not.toContain(VALUE);
  });

  it("creates a Key Vault reference (201) with its status", async () => {
    const created = await create({
      name: "rest-kv",
      keyVault: { secretIdentifier: VAULT_SECRET, identityClientId: "11111111-2222-3333-4444-555555555555" },
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: "keyVault",
      fingerprint: null,
      keyVault: { secretIdentifier: VAULT_SECRET, lastStatus: { code: "Success" } },
    });
  });

  it.each([
    ["a bad name", { name: "bad name!", value: VALUE }, ["name"]],
    ["a value over 4096 characters", { name: "ok-name", value: VALUE.repeat(200) }, ["value"]],
    ["a value of only whitespace", { name: "ok-name", value: "   " }, ["value"]],
    ["neither value nor keyVault", { name: "ok-name" }, ["(input)"]],
    [
      "both value and keyVault",
      { name: "ok-name", value: VALUE, keyVault: { secretIdentifier: VAULT_SECRET } },
      ["(input)"],
    ],
    [
      "a Key Vault URL elsewhere",
      { name: "ok-name", keyVault: { secretIdentifier: "https://example.com/secrets/x" } },
      ["keyVault.secretIdentifier"],
    ],
  ])("answers 400 for %s, naming the field and never echoing the value", async (_case, body, fields) => {
    const response = await create(body);

    expect(response.status).toBe(400);
    expect((response.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path)).toEqual(fields);
    expect(JSON.stringify(response.body)).not.toContain(VALUE);
  });

  it("answers 409 for a name APIM already has, pointing at the secret to rotate", async () => {
    const first = await create({ name: "rest-dup", value: VALUE });
    const again = await create({ name: "rest-dup", value: OTHER_VALUE });

    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: "conflict",
      secretId: (first.body as { id: string }).id,
      errors: [{ path: "name" }],
    });
    expect(JSON.stringify(again.body)).not.toContain(OTHER_VALUE);
  });

  it("lists (external ones included) and gets secrets", async () => {
    const created = (await create({ name: "rest-listed", value: VALUE })).body as { id: string };

    const list = await callRoute(secrets.GET, {
      ...instancePath(),
      path: `${instancePath().path}?limit=200`,
      token: reader,
    });
    expect(list.status).toBe(200);
    const items = (list.body as { items: Array<{ name: string; origin: string }> }).items;
    expect(items).toContainEqual(expect.objectContaining({ name: "azure-openai-api-key", origin: "external" }));
    expect(items).toContainEqual(expect.objectContaining({ name: "rest-listed", origin: "portcullis" }));

    const one = await callRoute(secret.GET, { ...secretCall(created.id), token: reviewer });
    expect(one.body).toMatchObject({ id: created.id, name: "rest-listed" });
    expect((await callRoute(secret.GET, { ...secretCall("not-a-guid"), token: reader })).status).toBe(400);
  });

  it("refreshes a Key Vault reference (200), reporting Key Vault's error in lastStatus", async () => {
    const secretIdentifier = "https://portcullis-rest.vault.azure.net/secrets/refresh-me";
    const { id } = (await create({ name: "rest-refresh", keyVault: { secretIdentifier } })).body as { id: string };
    await setKeyVaultSecret(sandbox.coordinates.armEndpoint, {
      secretIdentifier,
      failure: { code: "Forbidden", message: "Access denied" },
    });

    const refreshed = await callRoute(refresh.POST, { ...secretCall(id, "/refresh"), method: "POST", token: admin });

    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ keyVault: { lastStatus: { code: "Forbidden", message: "Access denied" } } });
  });

  it("answers 403 to readers and reviewers on every change, auditing each denial", async () => {
    const { id } = (await create({ name: "rest-guarded", value: VALUE })).body as { id: string };

    for (const token of [reader, reviewer]) {
      const responses = [
        await create({ name: "rest-denied", value: VALUE }, token),
        await create({ name: "rest-denied", keyVault: { secretIdentifier: VAULT_SECRET } }, token),
        await callRoute(rotations.POST, { ...secretCall(id, "/rotations"), token, body: { value: VALUE } }),
        await callRoute(refresh.POST, { ...secretCall(id, "/refresh"), method: "POST", token }),
      ];
      expect(responses.map((response) => response.status)).toEqual([403, 403, 403, 403]);
      const requestIds = responses.map((response) => response.headers.get("x-request-id")!);
      const denials = await sandbox.db.prisma.auditEvent.findMany({ where: { requestId: { in: requestIds } } });
      expect(denials.map((event) => [event.action, event.outcome])).toEqual(Array(4).fill(["auth.denied", "denied"]));
    }
    expect(await sandbox.db.prisma.secret.findFirst({ where: { namedValueId: "rest-denied" } })).toBeNull();
  });
});
