import { describe, expect, it } from "vitest";
import {
  approvalRefusal,
  approvalState,
  countingApprovers,
  effectiveApprovalsRequired,
  statusBeforeContent,
  type ApprovalSettings,
  type RecordedDecision,
} from "./approval-rules";
import type { Contributor } from "./contributors";

const now = new Date("2026-12-05T12:00:00Z");
const hour = 3_600_000;
const author = { oid: "oid-author", name: "Author" };
const production: ApprovalSettings = { environment: "production", approvalsRequired: null, automationApprovers: false };

let seq = 0;
function decision(overrides: Partial<RecordedDecision> = {}): RecordedDecision {
  seq += 1;
  return {
    id: `d${seq}`,
    decision: "approved",
    planHash: "h1",
    reason: null,
    actorType: "user",
    actorOid: `oid-${seq}`,
    actorName: `Admin ${seq}`,
    createdAt: new Date(now.getTime() - hour + seq),
    expiresAt: new Date(now.getTime() + 23 * hour),
    ...overrides,
  };
}

function state(
  decisions: RecordedDecision[],
  settings: Partial<ApprovalSettings> = {},
  empty = false,
  contributors: Contributor[] = [],
) {
  return approvalState({
    settings: { ...production, ...settings },
    author,
    contributors,
    planHash: "h1",
    empty,
    decisions,
    now,
  });
}

describe("how many approvals an instance requires", () => {
  it("is one on production and none elsewhere unless the instance says so", () => {
    expect(effectiveApprovalsRequired({ environment: "production", approvalsRequired: null })).toBe(1);
    expect(effectiveApprovalsRequired({ environment: "development", approvalsRequired: null })).toBe(0);
    expect(effectiveApprovalsRequired({ environment: null, approvalsRequired: null })).toBe(0);
    expect(effectiveApprovalsRequired({ environment: "production", approvalsRequired: 0 })).toBe(0);
    expect(effectiveApprovalsRequired({ environment: "test", approvalsRequired: 2 })).toBe(2);
  });

  it("is none for a plan with nothing to write", () => {
    expect(state([], {}, true)).toMatchObject({ required: 0, status: "not_required" });
  });
});

describe("which approvals count", () => {
  it("waits without approvals and is approved by another admin's", () => {
    expect(state([])).toMatchObject({ required: 1, status: "waiting", approvedBy: 0 });
    expect(state([decision()])).toMatchObject({ status: "approved", approvedBy: 1 });
  });

  it("never counts the author's own approval, by object id (or by name for plans without one)", () => {
    const own = decision({ actorOid: author.oid, actorName: "Renamed" });
    expect(state([own]).decisions[0]).toMatchObject({ counts: false, notCountedBecause: "author" });
    expect(state([own]).status).toBe("waiting");
    const byName = approvalState({
      settings: production,
      author: { oid: null, name: "Author" },
      contributors: [],
      planHash: "h1",
      empty: false,
      decisions: [decision({ actorName: "Author" })],
      now,
    });
    expect(byName.status).toBe("waiting");
  });

  it("never counts an approval by a writer of what it brings, recorded before that was refused; their rejection stops it", () => {
    const wrote = decision({ actorOid: "oid-writer", actorName: "Writer" });
    const contributors = [{ oid: "oid-writer", name: "Writer", wrote: "profile version 3 of chat" }];
    expect(state([wrote], {}, false, contributors)).toMatchObject({ status: "waiting", approvedBy: 0 });
    expect(state([wrote], {}, false, contributors).decisions[0]).toMatchObject({
      counts: false,
      notCountedBecause: "contributed",
    });
    // Someone else's writing does not matter; a writer's rejection still stops the plan.
    const other = [{ oid: "oid-other", name: "Other", wrote: "profile version 3 of chat" }];
    expect(state([wrote], {}, false, other)).toMatchObject({ status: "approved", approvedBy: 1 });
    const rejected = decision({ actorOid: "oid-writer", actorName: "Writer", decision: "rejected", reason: "no" });
    expect(state([rejected], {}, false, contributors).status).toBe("rejected");
  });

  it("needs two different admins when two are required; one admin approving twice counts once", () => {
    const first = decision();
    expect(state([first], { approvalsRequired: 2 })).toMatchObject({ status: "waiting", approvedBy: 1 });
    const again = decision({ actorOid: first.actorOid });
    expect(state([first, again], { approvalsRequired: 2 })).toMatchObject({ status: "waiting", approvedBy: 1 });
    expect(state([first, decision()], { approvalsRequired: 2 })).toMatchObject({ status: "approved", approvedBy: 2 });
  });

  it("counts automation's approval only where the instance allows automation approvers", () => {
    const app = decision({ actorType: "app" });
    expect(state([app]).decisions[0]).toMatchObject({ counts: false, notCountedBecause: "automation" });
    expect(state([app], { automationApprovers: true }).status).toBe("approved");
  });

  it("binds an approval to the plan's content hash: another hash has no approval", () => {
    expect(state([decision({ planHash: "h0" })]).decisions[0]).toMatchObject({
      counts: false,
      notCountedBecause: "plan-changed",
    });
  });

  it("lets an approval expire at its expiry time", () => {
    expect(state([decision({ expiresAt: new Date(now.getTime() + 1) })]).status).toBe("approved");
    expect(state([decision({ expiresAt: now })]).decisions[0]).toMatchObject({ notCountedBecause: "expired" });
  });

  it("is stopped by a rejection for this content, also after approvals, until the rejecter approves later", () => {
    const rejection = decision({ decision: "rejected", reason: "wrong tenant" });
    const approvals = [decision(), decision()];
    expect(state([...approvals, rejection], { approvalsRequired: 2 })).toMatchObject({ status: "rejected", rejection });
    const changedMind = decision({ actorOid: rejection.actorOid });
    expect(state([...approvals, rejection, changedMind], { approvalsRequired: 2 }).status).toBe("approved");
    expect(state([decision({ decision: "rejected", reason: "x", planHash: "h0" })]).status).toBe("waiting");
  });

  it("names as approvers only the approvals that count", () => {
    const counted = decision({ actorType: "app", actorOid: "oid-app", actorName: "Pipeline" });
    const decisions = [
      counted,
      decision({ actorOid: author.oid }),
      decision({ expiresAt: now }),
      decision({ planHash: "h0" }),
      decision({ decision: "rejected", reason: "x", planHash: "h0" }),
    ];
    expect(countingApprovers(state(decisions, { automationApprovers: true }))).toEqual([
      { type: "app", oid: "oid-app", name: "Pipeline" },
    ]);
  });
});

describe("who may approve at all", () => {
  it("refuses the author and, unless allowed, automation", () => {
    expect(approvalRefusal(production, author, { type: "user", ...author })?.message).toMatch(/author/);
    expect(approvalRefusal(production, author, { type: "app", oid: "app", name: "ci" })?.message).toMatch(/automation/);
    expect(
      approvalRefusal({ ...production, automationApprovers: true }, author, { type: "app", oid: "app", name: "ci" }),
    ).toBeNull();
    expect(approvalRefusal(production, author, { type: "user", oid: "other", name: "Other" })).toBeNull();
  });

  it("refuses a writer of an input the plan brings, naming what they wrote, automation alike", () => {
    const contributors = [
      { oid: "oid-writer", name: "Writer", wrote: "the value of ${tenant} planned for llm" },
      { oid: "oid-writer", name: "Writer", wrote: "profile version 3 of llm" },
      { oid: "app", name: "ci", wrote: "profile version 4 of llm" },
      { oid: null, name: "Old Writer", wrote: "profile version 1 of llm" },
    ];
    expect(
      approvalRefusal(production, author, { type: "user", oid: "oid-writer", name: "W" }, { contributors }),
    ).toEqual({
      code: "approver-contributed",
      because: "contributed",
      message: expect.stringContaining("the value of ${tenant} planned for llm; profile version 3 of llm"),
      contributed: ["the value of ${tenant} planned for llm", "profile version 3 of llm"],
    });
    const allowed = { ...production, automationApprovers: true };
    expect(approvalRefusal(allowed, author, { type: "app", oid: "app", name: "ci" }, { contributors })?.code).toBe(
      "approver-contributed",
    );
    // Rows written before object ids were kept are matched by name.
    expect(
      approvalRefusal(production, author, { type: "user", oid: "x", name: "Old Writer" }, { contributors })?.code,
    ).toBe("approver-contributed");
    expect(
      approvalRefusal(production, author, { type: "user", oid: "other", name: "Writer" }, { contributors }),
    ).toBeNull();
    // The author's refusal stays the author's.
    expect(approvalRefusal(production, author, { type: "user", ...author }, { contributors })).toMatchObject({
      code: "forbidden",
      because: "author",
    });
  });

  it("names what is approved: a change set's inputs are brought to its APIs", () => {
    const contributors = [{ oid: "oid-writer", name: "Writer", wrote: "profile version 3 of llm" }];
    const writer = { type: "user" as const, oid: "oid-writer", name: "Writer" };
    expect(approvalRefusal(production, author, writer, { contributors, noun: "change set" })?.message).toBe(
      "You wrote what this change set brings to its APIs (profile version 3 of llm), so your approval would be of your own change: an admin who wrote none of its inputs must approve.",
    );
    expect(approvalRefusal(production, author, { type: "user", ...author }, { noun: "change set" })?.message).toBe(
      "The author of a change set cannot approve it: another admin must.",
    );
    expect(approvalRefusal(production, author, { type: "app", oid: "app", name: "ci" })).toMatchObject({
      code: "forbidden",
      because: "automation",
    });
  });
});

describe("the status before the content is known (statusBeforeContent)", () => {
  const writer = { oid: "oid-w", name: "Writer" };
  const pool: RecordedDecision[] = [
    decision({ actorOid: writer.oid, actorName: writer.name }),
    decision({ planHash: "h2" }),
    decision(),
    decision({ actorType: "app" }),
    decision({ decision: "rejected", reason: "no", actorOid: writer.oid, actorName: writer.name }),
    decision({ decision: "rejected", reason: "no", planHash: "h2" }),
    decision({ expiresAt: new Date(now.getTime() - 1) }),
    decision({ actorOid: author.oid, actorName: author.name }),
  ];
  const subsets = Array.from({ length: 2 ** pool.length }, (_, mask) => pool.filter((_, bit) => mask & (1 << bit)));

  it("is the status whatever the hash and contributors when it waits or needs none; approved or rejected may change", () => {
    const seen = new Set<string>();
    for (const decisions of subsets)
      for (const settings of [{}, { approvalsRequired: 2 }, { automationApprovers: true }, { approvalsRequired: 0 }]) {
        const before = statusBeforeContent({
          settings: { ...production, ...settings },
          author,
          empty: false,
          decisions,
          now,
        });
        for (const planHash of ["h1", "h2"])
          for (const contributors of [[], [{ ...writer, wrote: "profile version 2 of chat" }]]) {
            const status = approvalState({
              settings: { ...production, ...settings },
              author,
              contributors,
              planHash,
              empty: false,
              decisions,
              now,
            }).status;
            seen.add(`${before}→${status}`);
            if (before === "waiting" || before === "not_required") expect(status).toBe(before);
          }
      }
    // Both kinds it cannot decide were met, and each turned out waiting at least once.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining(["approved→approved", "approved→waiting", "rejected→rejected", "rejected→waiting"]),
    );
  });
});
