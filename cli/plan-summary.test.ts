import { describe, expect, it } from "vitest";
import type { ChangeSetItemView, ChangeSetView } from "../lib/change-sets/schemas";
import {
  applyExitCode,
  planExitCode,
  planMarkdown,
  profileChanges,
  progressLine,
  type PlannedFile,
} from "./plan-summary";
import { planSource } from "./plan";

const SET_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

function item(apiId: string, status: ChangeSetItemView["status"], extra: Partial<ChangeSetItemView> = {}) {
  return {
    apiId,
    apiName: apiId,
    apimName: apiId,
    instanceId: "i",
    instanceName: "dev",
    status,
    summary: `1 change to match access profile version 2: update the policy of '${apiId}'.`,
    blocking: [],
    planId: null,
    profileVersion: null,
    following: null,
    deploymentId: null,
    error: null,
    startedAt: null,
    finishedAt: null,
    ...extra,
  } satisfies ChangeSetItemView;
}

function set(items: ChangeSetItemView[], extra: Partial<ChangeSetView> = {}): ChangeSetView {
  return {
    id: SET_ID,
    title: "t",
    change: { op: "setProfiles" },
    variables: null,
    status: "ready",
    supersededBy: null,
    supersedes: [],
    source: null,
    hash: "0".repeat(64),
    createdAt: "2026-12-04T00:00:00.000Z",
    createdBy: "pipeline",
    applyStartedAt: null,
    applyStartedBy: null,
    finishedAt: null,
    approval: { required: 0, status: "not_required", approvedBy: 0, decisions: [] },
    progress: { total: items.length, done: 0, counts: {}, estimatedSecondsLeft: null },
    concurrency: 16,
    items,
    ...extra,
  };
}

const file = (apimName: string, changes: string[] = [], unappliedVersion: number | null = null): PlannedFile => ({
  file: `apis/${apimName}.yaml`,
  apiId: apimName,
  apimName,
  instance: "dev",
  changes,
  unappliedVersion,
  followingChanges: false,
});

describe("plan exit codes", () => {
  it("are 0 without a set or with nothing to apply, 2 with a planned API, 1 with any blocked API", () => {
    expect(planExitCode(null)).toBe(0);
    expect(planExitCode(set([item("a", "unchanged")]))).toBe(0);
    expect(planExitCode(set([item("a", "unchanged"), item("b", "planned")]))).toBe(2);
    expect(planExitCode(set([item("a", "planned"), item("b", "blocked")]))).toBe(1);
  });

  it("are 2 for a set that changes only environment variables", () => {
    const variables = { environment: "dev", changes: [{ name: "tenant", before: "a", after: "b" }] };
    expect(planExitCode(set([], { variables }))).toBe(2);
    expect(planExitCode(set([item("a", "unchanged")], { variables }))).toBe(2);
  });

  it("are 2 when an API follows another template (or none) even if APIM has nothing to write", () => {
    const follows = { ...file("a", ["template: (none) → chat-apps v1"]), followingChanges: true };
    expect(planExitCode(set([item("a", "unchanged")]), [follows])).toBe(2);
    expect(planExitCode(set([item("a", "unchanged")]), [file("a", ["template chat-apps: v1 → v2"])])).toBe(0);
    expect(planExitCode(set([item("a", "blocked")]), [follows])).toBe(1);
  });
});

describe("apply exit codes", () => {
  it("are 0 only when the set finished and every API succeeded or had nothing to write", () => {
    const finished = { status: "finished" } as const;
    expect(applyExitCode(set([item("a", "succeeded"), item("b", "unchanged")], finished))).toBe(0);
    expect(applyExitCode(set([item("a", "succeeded"), item("b", "failed")], finished))).toBe(1);
    expect(applyExitCode(set([item("a", "succeeded"), item("b", "blocked")], finished))).toBe(1);
    expect(applyExitCode(set([item("a", "cancelled")], { status: "cancelled" }))).toBe(1);
    expect(applyExitCode(set([item("a", "succeeded")], { status: "applying" }))).toBe(1);
  });
});

describe("profile changes", () => {
  it("name each field that differs, list members added and removed, and ignore key order", () => {
    const before = {
      callerAuth: { mode: "entra", tenantId: "${tenant}", clientApplicationIds: ["a", "b"] },
      backendAuth: { mode: "none" },
    };
    expect(profileChanges(before, { backendAuth: { mode: "none" }, callerAuth: { ...before.callerAuth } })).toEqual([]);
    expect(
      profileChanges(before, {
        callerAuth: { mode: "entra", tenantId: "contoso.com", clientApplicationIds: ["b", "c"] },
        backendAuth: { mode: "managedIdentity", resource: "https://x" },
      }),
    ).toEqual([
      "backendAuth.mode: none → managedIdentity",
      "backendAuth.resource: (unset) → https://x",
      "callerAuth.clientApplicationIds: + c, - a",
      "callerAuth.tenantId: ${tenant} → contoso.com",
    ]);
    expect(profileChanges(undefined, { callerAuth: { mode: "none" } })).toEqual(["callerAuth.mode: (unset) → none"]);
  });
});

describe("the plan's Markdown", () => {
  it("says per API what changes, why it is blocked and how to apply, with the set's link and approval", () => {
    const markdown = planMarkdown({
      directory: "profiles",
      consoleUrl: "https://portcullis.example",
      files: [
        file("chat", ["callerAuth.clientApplicationIds: + c"]),
        file("embed|pipe", ["backendAuth.mode: none → managedIdentity"]),
        file("search"),
      ],
      changeSet: set(
        [
          item("chat", "planned"),
          item("embed|pipe", "blocked", { blocking: [{ code: "lint-error", message: "Line 3: no <base />" }] }),
        ],
        { approval: { required: 2, status: "waiting", approvedBy: 0, decisions: [] } },
      ),
    });
    expect(markdown).toBe(
      [
        "### Portcullis plan: 1 API to change, 1 blocked, 1 unchanged",
        "",
        `Change set \`${SET_ID}\` ([open in Portcullis](https://portcullis.example/change-sets/${SET_ID})), **needs 2 approvals** (has 0) before it can be applied.`,
        "",
        "| API | Instance | Plan | What changes |",
        "| --- | --- | --- | --- |",
        "| `chat` (apis/chat.yaml) | dev | planned | `callerAuth.clientApplicationIds: + c`<br>1 change to match access profile version 2: update the policy of 'chat'. |",
        "| `embed\\|pipe` (apis/embed\\|pipe.yaml) | dev | blocked | `backendAuth.mode: none → managedIdentity`<br>1 change to match access profile version 2: update the policy of 'embed\\|pipe'. |",
        "| `search` (apis/search.yaml) | dev | unchanged | nothing |",
        "",
        "**Blocked** (fix the file, then plan again):",
        "",
        "- `embed|pipe` (apis/embed|pipe.yaml): lint-error: Line 3: no <base />",
        "",
      ].join("\n"),
    );
  });

  it("says so when nothing changes, and gives the apply command when every API can be applied", () => {
    const none = planMarkdown({ directory: "profiles", consoleUrl: "u", files: [file("chat")], changeSet: null });
    expect(none).toContain("### Portcullis plan: 0 APIs to change, 0 blocked, 1 unchanged");
    expect(none).toContain("no change set was made");
    const planned = planMarkdown({
      directory: "profiles",
      consoleUrl: "u",
      files: [file("chat", ["x: 1 → 2"])],
      changeSet: set([item("chat", "planned")]),
    });
    expect(planned).toContain("no approval required");
    expect(planned).toContain(`Apply after review: \`portcullis apply --change-set ${SET_ID} --wait\``);
    const empty = planMarkdown({
      directory: "profiles",
      consoleUrl: "u",
      files: [file("chat", ["x: 1 → 2"])],
      changeSet: set([item("chat", "unchanged")]),
    });
    expect(empty).toContain("It has nothing to apply");
    expect(empty).not.toContain("portcullis apply");
    const followsOnly = planMarkdown({
      directory: "profiles",
      consoleUrl: "u",
      files: [{ ...file("chat", ["template: (none) → chat-apps v1"]), followingChanges: true }],
      changeSet: set([item("chat", "unchanged")]),
    });
    expect(followsOnly).toContain("### Portcullis plan: 1 API to change, 0 blocked, 0 unchanged");
    expect(followsOnly).toContain(
      "| `chat` (apis/chat.yaml) | dev | template only | `template: (none) → chat-apps v1` |",
    );
    expect(followsOnly).toContain(
      "It has nothing to apply: the plans write nothing. What the APIs follow changed when it was made.",
    );
    expect(followsOnly).not.toContain("portcullis apply");
  });

  it("names the earlier sets the new one supersedes, and nothing when there is none", () => {
    const older = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    const markdown = (supersedes: ChangeSetView["supersedes"]) =>
      planMarkdown({
        directory: "profiles",
        consoleUrl: "u",
        files: [file("chat", ["x: 1 → 2"])],
        changeSet: set([item("chat", "planned")], { supersedes }),
      });
    expect(markdown([{ id: older, title: "portcullis plan: 1 API from profiles" }])).toContain(
      `It supersedes change set \`${older}\` (made earlier, not applied): that set can no longer be approved or applied.`,
    );
    expect(markdown([])).not.toContain("supersedes");
  });

  it("lists the variables the set changes, before and after, and the APIs elsewhere that use one", () => {
    const markdown = planMarkdown({
      directory: "profiles",
      consoleUrl: "u",
      files: [file("chat", ["${tenant}: a.com → b.com"]), file("search")],
      changeSet: set([item("chat", "planned")], {
        variables: {
          environment: "dev",
          changes: [
            { name: "tenant", before: "a.com", after: "b.com" },
            { name: "old", before: "x|y", after: null },
          ],
        },
      }),
      variables: {
        environment: "dev",
        file: "environment.yaml",
        variables: {},
        changes: [],
        elsewhere: ["embed (dev)"],
      },
    });
    expect(markdown).toContain(
      "### Portcullis plan: 1 API to change, 0 blocked, 1 unchanged; 2 variables of environment dev to change",
    );
    expect(markdown).toContain(
      [
        "The set changes the variables of environment `dev` (environment.yaml): they are written when it is applied, under its approval, and its APIs are planned with the new values.",
        "",
        "| Variable | On Portcullis | In the files |",
        "| --- | --- | --- |",
        "| `tenant` | a.com | b.com |",
        "| `old` | x\\|y | (removed) |",
        "",
        "Not in this directory and using a changed variable (they keep the values they were saved with until their profile is saved again): `embed (dev)`.",
      ].join("\n"),
    );
    expect(markdown).toContain("| `chat` (apis/chat.yaml) | dev | planned | `${tenant}: a.com → b.com`");
    expect(markdown).toContain(`Apply after review: \`portcullis apply --change-set ${SET_ID} --wait\``);
  });

  it("prints progress as n of N with the statuses and the time left", () => {
    expect(
      progressLine(
        set([item("a", "succeeded"), item("b", "running")], {
          status: "applying",
          progress: { total: 2, done: 1, counts: { succeeded: 1, running: 1 }, estimatedSecondsLeft: 3 },
        }),
      ),
    ).toBe("applying: 1 of 2 done (succeeded 1, running 1), about 3 s left");
  });
});

describe("the source a plan gives its set", () => {
  it("is the directory as written, without a trailing separator, and the --instance given", () => {
    expect(planSource({ dir: "./profiles/" })).toBe("portcullis plan --dir profiles");
    expect(planSource({ dir: "profiles", instance: "prod" })).toBe("portcullis plan --dir profiles --instance prod");
    expect(planSource({ dir: "/" })).toBe("portcullis plan --dir /");
  });
});
