import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { seededApis, saveProfile } from "../../test/support/deployment-fixtures";
import { putInEnvironment } from "../../test/support/environment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { environmentVariables } from "../environments/environment-variables";
import { putEnvironmentVariables } from "../environments/put-environment-variables";
import { getAccessProfile } from "../profiles/get-access-profile";
import { createChangeSet } from "./create-change-set";
import { createProfilesChangeSet } from "./create-profiles-change-set";

// Every read of an environment's variables goes through environmentVariables: counted, not changed.
vi.mock("../environments/environment-variables", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../environments/environment-variables")>();
  return { ...actual, environmentVariables: vi.fn(actual.environmentVariables) };
});

/**
 * A change set resolves each API's profile with its environment's variables, reading them once
 * for the set (variableValuesOnce), not once per API; the versions it saves are resolved as before.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin", { name: "Set Author" });
const ENVIRONMENT = "read-once";
const OLD_APP = "11111111-2222-3333-4444-555555555555";
const NEW_APP = "66666666-7777-8888-9999-000000000000";
const ADDED_APP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const APIS = 4;
const written = (extra: string[] = []) => ({
  backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
  callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: ["${chatApp}", ...extra] },
});
const reads = vi.mocked(environmentVariables);
const readsOf = (environment: string) => reads.mock.calls.filter(([, name]) => name === environment).length;
let apiIds: string[] = [];

beforeAll(async () => {
  await putInEnvironment(admin, sandbox.instance.id, ENVIRONMENT, { chatApp: OLD_APP });
  apiIds = await seededApis(sandbox, admin, "read-once", APIS);
  for (const apiId of apiIds) await saveProfile(admin, apiId, written() as never);
});

beforeEach(() => {
  reads.mockClear();
});

const clientApplicationsOf = async (apiId: string) =>
  (await getAccessProfile(admin, { apiId })).profile.callerAuth as { clientApplicationIds: string[] };

describe("a change set of APIs whose profiles use variables", () => {
  it("one change to many APIs reads the environment's variables once and resolves each version with them", async () => {
    const set = await createChangeSet(admin, {
      apiIds,
      change: { op: "addClientApplication", clientApplicationId: ADDED_APP },
    });
    expect(set.items.map((item) => item.status)).toEqual(apiIds.map(() => "planned"));
    expect(readsOf(ENVIRONMENT)).toBe(1);
    for (const apiId of apiIds)
      expect((await clientApplicationsOf(apiId)).clientApplicationIds).toEqual([OLD_APP, ADDED_APP]);
  });

  it("a set of profiles reads them once for deciding and saving every API's version", async () => {
    const extra = "12121212-3434-5656-7878-909090909090";
    const set = await createProfilesChangeSet(admin, {
      profiles: apiIds.map((apiId) => ({ apiId, profile: written([extra]) })),
    });
    expect(set.items.map((item) => item.status)).toEqual(apiIds.map(() => "planned"));
    expect(readsOf(ENVIRONMENT)).toBe(1);
    for (const apiId of apiIds)
      expect((await clientApplicationsOf(apiId)).clientApplicationIds).toEqual([OLD_APP, extra]);
  });

  it("a set that changes the variables reads the stored ones once (what it changes) and resolves with its new values", async () => {
    const set = await createProfilesChangeSet(admin, {
      profiles: apiIds.map((apiId) => ({ apiId, profile: written() })),
      variables: { environment: ENVIRONMENT, values: { chatApp: NEW_APP } },
    });
    expect(set.variables?.changes).toEqual([{ name: "chatApp", before: OLD_APP, after: NEW_APP }]);
    expect(readsOf(ENVIRONMENT)).toBe(1);
    for (const apiId of apiIds) expect((await clientApplicationsOf(apiId)).clientApplicationIds).toEqual([NEW_APP]);
  });

  it("a variable the environment does not set still blocks every API, naming it", async () => {
    const set = await createProfilesChangeSet(admin, {
      profiles: apiIds.map((apiId) => ({ apiId, profile: written(["${notSet}"]) })),
    });
    expect(readsOf(ENVIRONMENT)).toBe(1);
    expect(set.items.map((item) => item.blocking.map((reason) => reason.code))).toEqual(
      apiIds.map(() => ["variables-missing"]),
    );
    expect(set.items[0]!.blocking[0]!.message).toContain("${notSet}");
  });

  // `portcullis plan` checks the files against the environment's variables before it sends them;
  // one unset in between reaches the server with files it found valid.
  it("a variable unset after the profiles were saved blocks each API naming it: nothing is planned with its old value", async () => {
    await putEnvironmentVariables(admin, { environment: ENVIRONMENT, variables: {} });
    try {
      const set = await createProfilesChangeSet(admin, {
        profiles: apiIds.map((apiId) => ({ apiId, profile: written() })),
      });
      expect(set.items.map((item) => [item.status, item.planId, item.blocking.map((reason) => reason.code)])).toEqual(
        apiIds.map(() => ["blocked", null, ["variables-missing"]]),
      );
      expect(set.items[0]!.blocking[0]!.message).toContain("does not set ${chatApp}");
    } finally {
      await putEnvironmentVariables(admin, { environment: ENVIRONMENT, variables: { chatApp: OLD_APP } });
    }
  });
});
