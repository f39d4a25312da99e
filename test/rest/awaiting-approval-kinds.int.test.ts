import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as changeSetsAwaiting from "../../app/api/v1/change-sets/awaiting-approval/route";
import * as settingsChangesAwaiting from "../../app/api/v1/instance-settings-changes/awaiting-approval/route";
import * as plansAwaiting from "../../app/api/v1/plans/awaiting-approval/route";
import { listAwaitingApproval } from "../../lib/approvals/list-awaiting-approval";
import { authorize } from "../../lib/auth/authorize";
import { changeSetsAwaitingApproval } from "../../lib/change-sets/change-sets-awaiting-approval";
import { plansAwaitingApproval } from "../../lib/deployments/plans-awaiting-approval";
import { settingsChangesAwaitingApproval } from "../../lib/instances/settings-changes-awaiting-approval";
import { callRoute } from "../support/call-route";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

// Each kind's read and the permission check, counted: the real ones run underneath.
vi.mock("../../lib/deployments/plans-awaiting-approval", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../lib/deployments/plans-awaiting-approval")>();
  return { plansAwaitingApproval: vi.fn(actual.plansAwaitingApproval) };
});
vi.mock("../../lib/change-sets/change-sets-awaiting-approval", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../lib/change-sets/change-sets-awaiting-approval")>();
  return { changeSetsAwaitingApproval: vi.fn(actual.changeSetsAwaitingApproval) };
});
vi.mock("../../lib/instances/settings-changes-awaiting-approval", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../lib/instances/settings-changes-awaiting-approval")>();
  return { settingsChangesAwaitingApproval: vi.fn(actual.settingsChangesAwaitingApproval) };
});
vi.mock("../../lib/auth/authorize", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../lib/auth/authorize")>();
  return { authorize: vi.fn(actual.authorize) };
});

/**
 * Each REST list of what waits for approval reads its own kind only (not the plans, change sets
 * and settings changes all three, as the /approvals page does), and config.read is checked once
 * in the route and once in the use case, not again per kind.
 */
const sandbox = setupSandboxHarness();
let reader = "";

beforeAll(async () => {
  reader = await sandbox.tokens.user("reader");
});
beforeEach(() => vi.clearAllMocks());

const reads = {
  plans: vi.mocked(plansAwaitingApproval),
  changeSets: vi.mocked(changeSetsAwaitingApproval),
  settingsChanges: vi.mocked(settingsChangesAwaitingApproval),
};

const routes = [
  ["plans", plansAwaiting.GET, "/plans/awaiting-approval"],
  ["changeSets", changeSetsAwaiting.GET, "/change-sets/awaiting-approval"],
  ["settingsChanges", settingsChangesAwaiting.GET, "/instance-settings-changes/awaiting-approval"],
] as const;

describe("the awaiting-approval lists", () => {
  it.each(routes)(
    "GET for %s reads only its kind and checks config.read in the route and the use case",
    async (kind, handler, path) => {
      const answer = await callRoute(handler, { path, token: reader });
      expect(answer.status).toBe(200);
      expect(Object.fromEntries(Object.entries(reads).map(([name, read]) => [name, read.mock.calls.length]))).toEqual({
        plans: kind === "plans" ? 1 : 0,
        changeSets: kind === "changeSets" ? 1 : 0,
        settingsChanges: kind === "settingsChanges" ? 1 : 0,
      });
      expect(vi.mocked(authorize).mock.calls.map(([, permission]) => permission)).toEqual([
        "config.read",
        "config.read",
      ]);
    },
  );

  it("reads every kind for the page, checking config.read once", async () => {
    const all = await listAwaitingApproval(contextFor("reader"));
    expect(Object.keys(all).sort()).toEqual(["changeSets", "plans", "settingsChanges"]);
    for (const read of Object.values(reads)) expect(read).toHaveBeenCalledTimes(1);
    expect(vi.mocked(authorize)).toHaveBeenCalledTimes(1);
  });
});
