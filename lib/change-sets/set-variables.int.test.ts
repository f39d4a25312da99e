import { beforeAll, describe, expect, it, vi } from "vitest";
import * as changeSetsRoute from "../../app/api/v1/change-sets/route";
import * as applyRoute from "../../app/api/v1/change-sets/[id]/apply/route";
import { callRoute } from "../../test/support/call-route";
import { apiIdOf, planAndApply, saveProfile } from "../../test/support/deployment-fixtures";
import { putInEnvironment } from "../../test/support/environment-fixtures";
import { changeInstanceSettings, createInstanceRow } from "../../test/support/instance-settings";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { getEnvironmentVariables } from "../environments/get-environment-variables";
import { putEnvironmentVariables } from "../environments/put-environment-variables";
import { getAccessProfile } from "../profiles/get-access-profile";
import { approveChangeSet } from "./approve-change-set";
import { createProfilesChangeSet } from "./create-profiles-change-set";
import { getChangeSet } from "./get-change-set";
import type { ChangeSetView } from "./schemas";
import { changeSetHash } from "./set-approval";
import { startChangeSetApply } from "./start-change-set-apply";

// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

/**
 * A change set that changes its environment's variables (lib/change-sets/set-variables.ts): the
 * values go under the set's approval and are written by its first apply, not at once.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin", { name: "Set Author" });
const admin2 = contextFor("admin", { name: "Second Admin" });
const admin3 = contextFor("admin", { name: "Third Admin" });
const ENVIRONMENT = "vars";
const OLD_APP = "11111111-2222-3333-4444-555555555555";
const NEW_APP = "66666666-7777-8888-9999-000000000000";
const written = {
  backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
  callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: ["${chatApp}"] },
};
let apiId = "";

beforeAll(async () => {
  await putInEnvironment(admin, sandbox.instance.id, ENVIRONMENT, { chatApp: OLD_APP });
  const name = (await sandbox.controls.seedApis(1, { prefix: "set-vars", withPolicy: false }))[0]!;
  apiId = await apiIdOf(admin, sandbox.instance.id, name);
  await saveProfile(admin, apiId, written as never);
  await planAndApply(admin, apiId);
});

const variablesNow = async () => (await getEnvironmentVariables(admin, { environment: ENVIRONMENT })).variables;
const setVariables = (values: Record<string, string>) =>
  putEnvironmentVariables(admin, { environment: ENVIRONMENT, variables: values });

describe("a change set with environment variables", () => {
  it("plans its profiles with the new values, covers them in its hash, and writes them only when applied", async () => {
    const set = await createProfilesChangeSet(admin, {
      profiles: [{ apiId, profile: written }],
      variables: { environment: ENVIRONMENT, values: { chatApp: NEW_APP } },
    });
    expect(set.title).toBe(`Set 1 variable of environment ${ENVIRONMENT} and the access profiles of 1 API`);
    expect(set.variables).toEqual({
      environment: ENVIRONMENT,
      changes: [{ name: "chatApp", before: OLD_APP, after: NEW_APP }],
    });
    // The same profile as written: planned because its variable changes, with the new value.
    expect(set.items[0]).toMatchObject({ status: "planned" });
    expect((await getAccessProfile(admin, { apiId })).profile.callerAuth).toMatchObject({
      clientApplicationIds: [NEW_APP],
    });
    expect(await variablesNow()).toEqual({ chatApp: OLD_APP });

    // The hash is over the plans and the variables: other values, another hash.
    const items = await sandbox.db.prisma.changeSetItem.findMany({
      where: { changeSetId: set.id },
      orderBy: { position: "asc" },
    });
    expect(changeSetHash(items, set.variables)).toBe(set.hash);
    expect(changeSetHash(items, null)).not.toBe(set.hash);
    const other = { environment: ENVIRONMENT, changes: [{ name: "chatApp", before: OLD_APP, after: OLD_APP }] };
    expect(changeSetHash(items, other)).not.toBe(set.hash);
    expect((await getChangeSet(admin, { changeSetId: set.id })).variables).toEqual(set.variables);

    const { run } = await startChangeSetApply(admin, { changeSetId: set.id });
    expect(await variablesNow()).toEqual({ chatApp: NEW_APP });
    await run();
    const applied = await getChangeSet(admin, { changeSetId: set.id });
    expect(applied).toMatchObject({ status: "finished", progress: { counts: { succeeded: 1 } } });
    const written_ = await sandbox.db.prisma.auditEvent.findMany({
      where: { action: "change_set.variables", targetId: ENVIRONMENT },
    });
    expect(written_).toHaveLength(1);
    expect(written_[0]).toMatchObject({
      targetType: "environment",
      before: { variables: { chatApp: OLD_APP } },
      after: { variables: { chatApp: NEW_APP }, changeSetId: set.id, setHash: set.hash },
    });
    await setVariables({ chatApp: OLD_APP });
  });

  it("changing only variables needs the strictest approval of the environment's instances, then writes and finishes", async () => {
    // An instance of the environment no profile of the set is on: its settings count all the same.
    const strict = await createInstanceRow(sandbox.db.prisma, "vars-strict", {
      environment: ENVIRONMENT,
      approvalsRequired: 2,
      automationApprovers: false,
    });
    try {
      const set = await createProfilesChangeSet(admin, {
        variables: { environment: ENVIRONMENT, values: { chatApp: OLD_APP, audience: "api://vars" } },
      });
      expect(set.items).toEqual([]);
      expect(set.title).toBe(`Set 1 variable of environment ${ENVIRONMENT}`);
      expect(set.variables?.changes).toEqual([{ name: "audience", before: null, after: "api://vars" }]);
      expect(set.approval).toMatchObject({ required: 2, status: "waiting" });
      await expect(startChangeSetApply(admin, { changeSetId: set.id })).rejects.toMatchObject({
        code: "approval-required",
      });
      expect(await variablesNow()).toEqual({ chatApp: OLD_APP });
      // The sandbox instance accepts automation's approval, the strict one does not: it does not count.
      await changeInstanceSettings(sandbox.instance.id, { automationApprovers: true });
      const pipeline = contextFor("admin", { type: "app", name: "Pipeline" });
      await expect(approveChangeSet(pipeline, { changeSetId: set.id, setHash: set.hash })).rejects.toMatchObject({
        message: expect.stringContaining("does not accept approvals from automation"),
      });
      await approveChangeSet(admin2, { changeSetId: set.id, setHash: set.hash });
      await approveChangeSet(admin3, { changeSetId: set.id, setHash: set.hash });
      const { run } = await startChangeSetApply(admin, { changeSetId: set.id });
      await run();
      expect(await variablesNow()).toEqual({ chatApp: OLD_APP, audience: "api://vars" });
      expect((await getChangeSet(admin, { changeSetId: set.id })).status).toBe("finished");
      const requested = await sandbox.db.prisma.auditEvent.findFirst({
        where: { action: "approval.request", targetId: set.id },
      });
      expect(requested?.after).toMatchObject({ setHash: set.hash, approvalsRequired: 2 });
    } finally {
      await sandbox.db.prisma.instance.delete({ where: { id: strict } });
      await changeInstanceSettings(sandbox.instance.id, { automationApprovers: false });
      await setVariables({ chatApp: OLD_APP });
    }
  });

  it("refuses the first apply with 409 variables-changed, naming the variable, when it changed since the set was made", async () => {
    // APIM has NEW_APP since the first test: a third value, so the API has something to apply.
    const third = "44444444-5555-6666-7777-888888888888";
    const set = await createProfilesChangeSet(admin, {
      profiles: [{ apiId, profile: written }],
      variables: { environment: ENVIRONMENT, values: { chatApp: third } },
    });
    const raced = "33333333-4444-5555-6666-777777777777";
    await setVariables({ chatApp: raced });
    try {
      const answer = await callRoute(applyRoute.POST, {
        path: `/change-sets/${set.id}/apply`,
        method: "POST",
        token: await sandbox.tokens.automation(),
        params: { id: set.id },
      });
      expect(answer.status).toBe(409);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      expect(answer.body).toMatchObject({
        code: "variables-changed",
        detail: expect.stringContaining("${chatApp}"),
        variables: [{ name: "chatApp", expected: OLD_APP, now: raced }],
      });
      expect(await variablesNow()).toEqual({ chatApp: raced });
      const after = await getChangeSet(admin, { changeSetId: set.id });
      expect(after).toMatchObject({ status: "ready", applyStartedAt: null });
      expect(after.items[0]?.status).toBe("planned");
    } finally {
      await setVariables({ chatApp: OLD_APP });
    }
  });

  it("POST /change-sets names each bad field of variables, and refuses an API of another environment", async () => {
    const token = await sandbox.tokens.automation();
    const post = (body: unknown) =>
      callRoute(changeSetsRoute.POST, { path: "/change-sets", method: "POST", token, body });
    const paths = (answer: { body: unknown }) =>
      (answer.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path);

    const keyLike = await post({
      variables: { environment: ENVIRONMENT, values: { chatApp: OLD_APP, key: "a".repeat(30) + "0123456789" } },
    });
    expect(keyLike.status).toBe(400);
    expect(paths(keyLike)).toEqual(["variables.values.key"]);
    expect(paths(await post({ variables: { environment: "Not An Environment", values: {} } }))).toEqual([
      "variables.environment",
    ]);
    expect(
      paths(
        await post({
          apiIds: [apiId],
          change: { op: "setTenant", tenantId: "contoso.onmicrosoft.com" },
          variables: { environment: ENVIRONMENT, values: {} },
        }),
      ),
    ).toEqual(["apiIds", "change"]);
    const same = await post({ variables: { environment: ENVIRONMENT, values: { chatApp: OLD_APP } } });
    expect(same.status).toBe(400);
    expect(paths(same)).toEqual(["variables.values"]);
    const elsewhere = await post({
      profiles: [{ apiId, profile: written }],
      variables: { environment: "production", values: { chatApp: NEW_APP } },
    });
    expect(elsewhere.status).toBe(400);
    expect((elsewhere.body as { errors: unknown }).errors).toEqual([
      { path: "profiles[0].apiId", message: expect.stringContaining(`in environment ${ENVIRONMENT}, not production`) },
    ]);
    const made = await post({ variables: { environment: ENVIRONMENT, values: { chatApp: NEW_APP } } });
    expect(made.status).toBe(201);
    expect((made.body as ChangeSetView).variables?.changes).toEqual([
      { name: "chatApp", before: OLD_APP, after: NEW_APP },
    ]);
    expect(await variablesNow()).toEqual({ chatApp: OLD_APP });
  });
});
