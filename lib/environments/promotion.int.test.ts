import { beforeAll, describe, expect, it, vi } from "vitest";
import { listAuditEvents } from "../audit/list-audit-events";
import { appErrorOf as failure } from "../../test/support/apim/app-error";
import type { InstanceView } from "../instances/schemas";
import { getAccessProfile } from "../profiles/get-access-profile";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { apiIdOf, saveProfile } from "../../test/support/deployment-fixtures";
import {
  profileWrittenWithVariables,
  putInEnvironment,
  registerProductionInstance,
} from "../../test/support/environment-fixtures";
import * as promotionsRoute from "../../app/api/v1/promotions/route";
import { callRoute } from "../../test/support/call-route";
import { getEnvironmentVariables } from "./get-environment-variables";
import { promoteAccessProfile } from "./promote-access-profile";
import { promoteAccessProfiles } from "./promote-access-profiles";
import { putEnvironmentVariables } from "./put-environment-variables";

import { environmentVariables } from "./environment-variables";

// Every read of an environment's variables goes through environmentVariables: counted, not changed.
vi.mock("./environment-variables", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./environment-variables")>();
  return { ...actual, environmentVariables: vi.fn(actual.environmentVariables) };
});
const reads = vi.mocked(environmentVariables);
const readsOf = (environment: string) => reads.mock.calls.filter(([, name]) => name === environment).length;

const sandbox = setupSandboxHarness({ productionService: true });
const admin = contextFor("admin", { name: "Promoting Admin" });
const reader = contextFor("reader");

const DEV_APP = "11111111-1111-1111-1111-111111111111";
const PROD_APP = "22222222-2222-2222-2222-222222222222";
/** Every variable the written profile uses, with production's values. */
const productionValues = {
  keyName: "azure-openai-api-key",
  chatApp: PROD_APP,
  tenant: "prod.onmicrosoft.com",
  audience: "api://llm-prod",
};

/** The profile as written once, with what differs between development and production as variables. */
const written = profileWrittenWithVariables(["${audience}"]);

const developmentValues = {
  keyName: "azure-openai-api-key",
  tenant: "dev.onmicrosoft.com",
  chatApp: DEV_APP,
  audience: "api://llm-dev",
};

let production: InstanceView;
let devApiId: string;
let prodApiId: string;

beforeAll(async () => {
  production = await registerProductionInstance(admin, sandbox.coordinates, "sandbox-production");
  await putInEnvironment(admin, sandbox.instance.id, "development", developmentValues);
  devApiId = await apiIdOf(admin, sandbox.instance.id, "azure-openai");
  prodApiId = await apiIdOf(admin, production.id, "azure-openai");
  await saveProfile(admin, devApiId, written as never);
});

describe("environment variables", () => {
  it("resolve a profile written with variables on save, keeping it as written", async () => {
    const saved = await getAccessProfile(admin, { apiId: devApiId });
    expect(saved.profile.callerAuth).toMatchObject({
      tenantId: "dev.onmicrosoft.com",
      clientApplicationIds: [DEV_APP],
    });
    expect(saved.written?.callerAuth).toMatchObject({ tenantId: "${tenant}", clientApplicationIds: ["${chatApp}"] });
  });

  it("refuse bad names and key-like values naming the variable, and readers", async () => {
    const refused = await failure(
      putEnvironmentVariables(admin, {
        environment: "development",
        variables: { "1bad": "x", apiKey: "8f2d1c0b9a7e4f6d8c2b1a0e9f7d6c5b" },
      }),
    );
    expect(refused.code).toBe("bad_request");
    expect(refused.fields.map((field) => field.path)).toEqual(["variables.1bad", "variables.apiKey"]);
    expect(refused.fields[1]?.message).toMatch(/looks like a key/);
    const forbidden = await failure(putEnvironmentVariables(reader, { environment: "development", variables: {} }));
    expect(forbidden.code).toBe("forbidden");
    expect((await getEnvironmentVariables(reader, { environment: "development" })).variables).toEqual(
      developmentValues,
    );
  });
});

describe("promotion from development to production", () => {
  it("is refused naming each variable production does not set, and saves nothing", async () => {
    await putEnvironmentVariables(admin, {
      environment: "production",
      variables: { keyName: "azure-openai-api-key", chatApp: PROD_APP },
    });
    const refused = await failure(promoteAccessProfile(admin, { apiId: devApiId, targetInstanceId: production.id }));
    expect(refused.code).toBe("variables-missing");
    expect(refused.message).toContain("${audience}, ${tenant}");
    expect(refused.details.missingVariables).toEqual([
      { name: "audience", paths: ["callerAuth.audiences[0]"] },
      { name: "tenant", paths: ["callerAuth.tenantId"] },
    ]);
    expect((await failure(getAccessProfile(admin, { apiId: prodApiId }))).code).toBe("not_found");
  });

  it("saves the production values on the same API there and opens its plan, awaiting approval", async () => {
    await putEnvironmentVariables(admin, { environment: "production", variables: productionValues });
    const promotion = await promoteAccessProfile(admin, { apiId: devApiId, targetInstanceId: production.id });
    expect(promotion.profile.apiId).toBe(prodApiId);
    expect(promotion.profile.profile.callerAuth).toEqual({
      mode: "entra",
      tenantId: "prod.onmicrosoft.com",
      clientApplicationIds: [PROD_APP],
      audiences: ["api://llm-prod"],
      requiredClaims: [],
    });
    expect(promotion.profile.written).toEqual((await getAccessProfile(admin, { apiId: devApiId })).written);
    expect(promotion.plan.apiId).toBe(prodApiId);
    expect(promotion.plan.empty).toBe(false);
    expect(promotion.plan.approval?.required).toBe(1);
    // The development API keeps its own values.
    expect((await getAccessProfile(admin, { apiId: devApiId })).profile.callerAuth).toMatchObject({
      clientApplicationIds: [DEV_APP],
    });
    const saves = await listAuditEvents(admin, { action: "profile.save", limit: 10 });
    const promoted = saves.items.find((event) => event.target.id === prodApiId);
    expect(promoted?.after).toMatchObject({
      environment: "production",
      promotedFrom: { apiId: devApiId, instance: "sandbox", version: 1 },
    });
  });

  it("is refused for readers, onto the same API, and to an API the target does not have", async () => {
    expect(
      (await failure(promoteAccessProfile(reader, { apiId: devApiId, targetInstanceId: production.id }))).code,
    ).toBe("forbidden");
    expect(
      (await failure(promoteAccessProfile(admin, { apiId: devApiId, targetInstanceId: sandbox.instance.id }))).code,
    ).toBe("bad_request");
    const [onlyInDevelopment] = await sandbox.controls.seedApis(1, { prefix: "dev-only" });
    const devOnlyId = await apiIdOf(admin, sandbox.instance.id, onlyInDevelopment!);
    await saveProfile(admin, devOnlyId, written as never);
    const missing = await failure(promoteAccessProfile(admin, { apiId: devOnlyId, targetInstanceId: production.id }));
    expect(missing.code).toBe("not_found");
    expect(missing.message).toContain(`no API named '${onlyInDevelopment}'`);
  });
});

describe("promoting many APIs at once: one change set", () => {
  const devIds: string[] = [];
  const prodIds: string[] = [];
  // foundry-models needs no ${audience}: each API is named with its own missing variables.
  const withoutAudience = { ...written, callerAuth: { ...written.callerAuth, audiences: [] } };

  beforeAll(async () => {
    devIds.push(devApiId, await apiIdOf(admin, sandbox.instance.id, "foundry-models"));
    prodIds.push(prodApiId, await apiIdOf(admin, production.id, "foundry-models"));
    await saveProfile(admin, devIds[1]!, withoutAudience as never);
  });

  it("is refused as a whole naming each API and variable the target does not set, and saves nothing", async () => {
    await putEnvironmentVariables(admin, {
      environment: "production",
      variables: { keyName: "azure-openai-api-key", chatApp: PROD_APP },
    });
    const sets = await sandbox.db.prisma.changeSet.count();
    const versions = await sandbox.db.prisma.accessProfileVersion.count({ where: { apiId: { in: prodIds } } });
    reads.mockClear();
    const refused = await failure(promoteAccessProfiles(admin, { apiIds: devIds, targetInstanceId: production.id }));
    expect(refused.code).toBe("variables-missing");
    // Checking every API reads the target environment's variables once, not once per API.
    expect(readsOf("production")).toBe(1);
    expect(refused.message).toContain("azure-openai: ${audience}, ${tenant}; foundry-models: ${tenant}.");
    expect(refused.details.apis).toEqual([
      {
        apiId: devIds[0],
        apimName: "azure-openai",
        missingVariables: [
          { name: "audience", paths: ["callerAuth.audiences[0]"] },
          { name: "tenant", paths: ["callerAuth.tenantId"] },
        ],
      },
      {
        apiId: devIds[1],
        apimName: "foundry-models",
        missingVariables: [{ name: "tenant", paths: ["callerAuth.tenantId"] }],
      },
    ]);
    expect(await sandbox.db.prisma.changeSet.count()).toBe(sets);
    expect(await sandbox.db.prisma.accessProfileVersion.count({ where: { apiId: { in: prodIds } } })).toBe(versions);
  });

  it("refuses APIs of two instances, and the APIs' own instance as the target", async () => {
    const both = await failure(
      promoteAccessProfiles(admin, { apiIds: [devIds[0]!, prodIds[1]!], targetInstanceId: production.id }),
    );
    expect(both.fields).toEqual([{ path: "apiIds", message: "must all be APIs of one instance" }]);
    const onto = await failure(promoteAccessProfiles(admin, { apiIds: devIds, targetInstanceId: sandbox.instance.id }));
    expect(onto.fields[0]?.path).toBe("targetInstanceId");
  });

  it("makes one change set over REST: each API's profile saved on its production twin with production's values, planned", async () => {
    await putEnvironmentVariables(admin, { environment: "production", variables: productionValues });
    const promote = async (token: string) =>
      callRoute(promotionsRoute.POST, {
        path: "/promotions",
        token,
        body: { apiIds: devIds, targetInstanceId: production.id },
      });
    expect((await promote(await sandbox.tokens.user("reader"))).status).toBe(403);
    const response = await promote(await sandbox.tokens.user("admin"));
    expect(response.status).toBe(201);
    const set = response.body as {
      id: string;
      title: string;
      items: Array<{ apiId: string; planId: string | null; status: string }>;
    };
    expect(response.headers.get("location")).toBe(`/api/v1/change-sets/${set.id}`);
    expect(set.title).toBe("Promote 2 APIs from sandbox to sandbox-production");
    // azure-openai was promoted on its own above and never applied: not saved again, but planned
    // again against APIM, where its operation policy without <base /> still blocks it.
    const [again, promoted] = prodIds.map((id) => set.items.find((item) => item.apiId === id));
    expect(again).toMatchObject({
      status: "blocked",
      summary: expect.stringContaining("Saved earlier as version 1, not applied yet"),
      blocking: expect.arrayContaining([expect.objectContaining({ code: "caller-validation-skipped" })]),
    });
    expect(promoted?.planId).not.toBeNull();
    for (const [index, id] of prodIds.entries()) {
      const saved = await getAccessProfile(admin, { apiId: id });
      expect(saved.profile.callerAuth).toMatchObject({
        tenantId: "prod.onmicrosoft.com",
        clientApplicationIds: [PROD_APP],
      });
      expect(saved.written).toEqual((await getAccessProfile(admin, { apiId: devIds[index]! })).written);
    }
    // Checking, deciding and saving every API read the target environment's variables once.
    reads.mockClear();
    await promoteAccessProfiles(admin, { apiIds: devIds, targetInstanceId: production.id });
    expect(readsOf("production")).toBe(1);
    const saves = await listAuditEvents(admin, { action: "profile.save", limit: 10 });
    expect(saves.items.find((event) => event.target.id === prodIds[1])?.after).toMatchObject({
      environment: "production",
      promotedFrom: { apiId: devIds[1], instance: "sandbox", version: 1 },
    });
  });
});
