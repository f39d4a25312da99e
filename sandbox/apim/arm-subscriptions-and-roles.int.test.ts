import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COGNITIVE_SERVICES_OPENAI_USER } from "../model/model-roles";
import { sandboxServiceIdentity, sandboxUserAssignedIdentityId } from "./seed/service-identity";
import { startTestSimulator, type RawResponse, type TestSimulator } from "./test-support/test-simulator";

/**
 * The ARM shapes of what the gateway and the model decide by: APIM subscriptions (keys only
 * through listSecrets, as ARM answers them) through the production SDK, and Azure role
 * assignments at a model account (Microsoft.Authorization, 2022-04-01) raw.
 */
let sim: TestSimulator;
beforeAll(async () => (sim = await startTestSimulator()));
afterAll(() => sim.close());

const errorOf = (response: RawResponse) => (response.json as { error: { code: string; message: string } }).error;

describe("subscriptions", () => {
  it("lists the seeded subscriptions with their scopes as ARM ids and without keys", async () => {
    const listed = [];
    for await (const subscription of sim.client().subscription.list(sim.rg, sim.svc)) listed.push(subscription);
    expect(listed.map((subscription) => [subscription.name, subscription.scope, subscription.state])).toEqual([
      ["sandbox-all-apis", `${sim.base}/apis`, "active"],
      ["sandbox-llm-standard", `${sim.base}/products/llm-standard`, "active"],
    ]);
    expect(listed.every((subscription) => subscription.primaryKey === undefined)).toBe(true);
    const raw = await sim.request("GET", `${sim.base}/subscriptions/sandbox-all-apis`);
    expect(raw.text).not.toContain("primaryKey");
  });

  it("creates, reads the keys through listSecrets, regenerates one, suspends and deletes a subscription", async () => {
    const client = sim.client();
    const created = await client.subscription.createOrUpdate(sim.rg, sim.svc, "team-a", {
      scope: "/products/llm-standard",
      displayName: "Team A",
    });
    expect(created).toMatchObject({ name: "team-a", scope: `${sim.base}/products/llm-standard`, state: "active" });
    const keys = await client.subscription.listSecrets(sim.rg, sim.svc, "team-a");
    expect(keys.primaryKey).toMatch(/^[0-9a-f]{32}$/);
    expect(keys.secondaryKey).not.toBe(keys.primaryKey);

    await client.subscription.regeneratePrimaryKey(sim.rg, sim.svc, "team-a");
    const regenerated = await client.subscription.listSecrets(sim.rg, sim.svc, "team-a");
    expect(regenerated.primaryKey).not.toBe(keys.primaryKey);
    expect(regenerated.secondaryKey).toBe(keys.secondaryKey);

    const eTag = (await client.subscription.getEntityTag(sim.rg, sim.svc, "team-a")).eTag!;
    const suspended = await client.subscription.update(sim.rg, sim.svc, "team-a", eTag, { state: "suspended" });
    expect(suspended).toMatchObject({ state: "suspended", displayName: "Team A" });

    const latest = (await client.subscription.getEntityTag(sim.rg, sim.svc, "team-a")).eTag!;
    await client.subscription.delete(sim.rg, sim.svc, "team-a", latest);
    expect((await sim.request("GET", `${sim.base}/subscriptions/team-a`)).status).toBe(404);
  });

  it("refuses a scope that is not /apis, an API or a product of the service", async () => {
    for (const scope of ["/products/nope", "/apis/nope", "/tags/x"]) {
      const refused = await sim.request("PUT", `${sim.base}/subscriptions/bad`, {
        body: { properties: { scope, displayName: "Bad" } },
      });
      expect(refused.status, scope).toBe(400);
      expect(JSON.stringify(refused.json)).toContain('"target":"scope"');
    }
  });
});

describe("role assignments at a model account", () => {
  const account = (name: string) =>
    `/subscriptions/${sim.simulator.subscriptionId}/resourceGroups/${sim.rg}/providers/Microsoft.CognitiveServices/accounts/${name}`;
  const assignments = (name = "portcullis-sandbox-foundry") =>
    `${account(name)}/providers/Microsoft.Authorization/roleAssignments`;
  const options = (body?: unknown) => ({ apiVersion: "2022-04-01", ...(body === undefined ? {} : { body }) });
  const role = (guid: string) =>
    `/subscriptions/${sim.simulator.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  const userAssigned = sandboxServiceIdentity.userAssignedIdentities![sandboxUserAssignedIdentityId]!;
  const grant = () => ({
    properties: {
      roleDefinitionId: role(COGNITIVE_SERVICES_OPENAI_USER),
      principalId: userAssigned.principalId,
      principalType: "ServicePrincipal",
    },
  });
  const NAME = "6f1f6a2e-0c3d-4b5e-8f7a-9b8c7d6e5f40";

  it("lists the seeded assignment of the system-assigned identity, also by principalId", async () => {
    const listed = await sim.request("GET", assignments(), options());
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({
      value: [
        {
          properties: expect.objectContaining({
            roleDefinitionId: role(COGNITIVE_SERVICES_OPENAI_USER),
            principalId: sandboxServiceIdentity.principalId,
            principalType: "ServicePrincipal",
            scope: account("portcullis-sandbox-foundry"),
          }),
          id: expect.stringMatching(
            /^\/subscriptions\/.+\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/,
          ),
          type: "Microsoft.Authorization/roleAssignments",
          name: expect.any(String),
        },
      ],
    });
    const filtered = await sim.request(
      "GET",
      `${assignments()}?$filter=${encodeURIComponent(`principalId eq '${userAssigned.principalId}'`)}`,
      options(),
    );
    expect(filtered.json).toEqual({ value: [] });
  });

  it("creates (201), repeats (200), reads and deletes an assignment; DELETE of a gone one is 204", async () => {
    expect((await sim.request("PUT", `${assignments()}/${NAME}`, options(grant()))).status).toBe(201);
    expect((await sim.request("PUT", `${assignments()}/${NAME}`, options(grant()))).status).toBe(200);
    const read = await sim.request("GET", `${assignments()}/${NAME}`, options());
    expect(read.json).toMatchObject({ name: NAME, properties: { principalId: userAssigned.principalId } });
    // Not visible at the other account's scope.
    expect((await sim.request("GET", `${assignments("portcullis-sandbox-aoai")}/${NAME}`, options())).status).toBe(404);
    expect((await sim.request("DELETE", `${assignments()}/${NAME}`, options())).status).toBe(200);
    expect((await sim.request("DELETE", `${assignments()}/${NAME}`, options())).status).toBe(204);
    const gone = await sim.request("GET", `${assignments()}/${NAME}`, options());
    expect(gone.status).toBe(404);
    expect(errorOf(gone)).toEqual({
      code: "RoleAssignmentNotFound",
      message: `The role assignment '${NAME}' is not found.`,
    });
  });

  it("answers Azure RBAC's errors: duplicate, unknown role, changed principal, bad name, unknown account, api-version", async () => {
    await sim.request("PUT", `${assignments()}/${NAME}`, options(grant()));
    const duplicate = await sim.request(
      "PUT",
      `${assignments()}/7a2b3c4d-0000-4000-8000-000000000001`,
      options(grant()),
    );
    expect([duplicate.status, errorOf(duplicate).code]).toEqual([409, "RoleAssignmentExists"]);
    const unknownRole = await sim.request(
      "PUT",
      `${assignments()}/7a2b3c4d-0000-4000-8000-000000000002`,
      options({
        properties: { ...grant().properties, roleDefinitionId: role("00000000-0000-0000-0000-000000000bad") },
      }),
    );
    expect([unknownRole.status, errorOf(unknownRole).code]).toEqual([400, "RoleDefinitionDoesNotExist"]);
    const changed = await sim.request(
      "PUT",
      `${assignments()}/${NAME}`,
      options({ properties: { ...grant().properties, principalId: sandboxServiceIdentity.principalId } }),
    );
    expect([changed.status, errorOf(changed).code]).toEqual([400, "RoleAssignmentUpdateNotPermitted"]);
    const badName = await sim.request("PUT", `${assignments()}/not-a-guid`, options(grant()));
    expect([badName.status, errorOf(badName).code]).toEqual([400, "InvalidRoleAssignmentId"]);
    const nowhere = await sim.request("GET", assignments("nowhere"), options());
    expect([nowhere.status, errorOf(nowhere).code]).toEqual([404, "ResourceNotFound"]);
    const version = await sim.request("GET", assignments(), { apiVersion: "2024-05-01" });
    expect([version.status, errorOf(version).code]).toEqual([400, "NoRegisteredProviderFound"]);
    await sim.request("DELETE", `${assignments()}/${NAME}`, options());
  });
});
