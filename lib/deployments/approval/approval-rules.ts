import { isWriter, writtenBy, type Contributor } from "./contributors";

/**
 * The four-eyes rules, pure: which recorded decisions count towards applying a plan. Use cases
 * read the rows and the instance's settings and ask these functions; nothing here reads the clock.
 */

export type ApprovalStatus = "not_required" | "waiting" | "approved" | "rejected";

export interface ApprovalSettings {
  environment: string | null;
  /** As stored: 0, 1 or 2, or null for the environment's default. */
  approvalsRequired: number | null;
  automationApprovers: boolean;
}

export interface RecordedDecision {
  id: string;
  decision: "approved" | "rejected";
  planHash: string;
  reason: string | null;
  actorType: "user" | "app";
  actorOid: string;
  actorName: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Who made the plan: by object id; plans made before ids were kept only have the name. */
export interface PlanAuthor {
  oid: string | null;
  name: string;
}

export type NotCountedBecause = "author" | "contributed" | "automation" | "plan-changed" | "expired" | "superseded";

export interface DecisionState extends RecordedDecision {
  /** Whether this decision counts now; `notCountedBecause` says why not. */
  counts: boolean;
  notCountedBecause: NotCountedBecause | null;
}

export interface ApprovalState {
  required: number;
  status: ApprovalStatus;
  /** Approvals that count now. */
  approvedBy: number;
  /** The rejection that stops the plan, when there is one. */
  rejection: RecordedDecision | null;
  decisions: DecisionState[];
}

/** Applies need approval on production unless the instance says otherwise; elsewhere only when it says so. */
export function effectiveApprovalsRequired(settings: Pick<ApprovalSettings, "environment" | "approvalsRequired">) {
  return settings.approvalsRequired ?? (settings.environment === "production" ? 1 : 0);
}

/**
 * Why an approval is refused: `forbidden` (`because` the actor is the author, or automation the
 * instance does not accept) or `approver-contributed` (`contributed`: what they wrote).
 */
export type ApprovalRefusal =
  | { code: "forbidden"; because: "author" | "automation"; message: string }
  | { code: "approver-contributed"; because: "contributed"; message: string; contributed: string[] };

/**
 * Why this actor's approval could never count (the use case refuses it rather than recording a
 * decision with no effect, and the console offers no Approve that would be refused); null when it
 * can. `contributors`: who wrote the inputs the plan (or each plan of a set) brings to its API —
 * approving what one wrote is approving one's own change. `noun`: what is approved, as messages name it.
 */
export function approvalRefusal(
  settings: ApprovalSettings,
  author: PlanAuthor,
  actor: { type: "user" | "app"; oid: string; name: string },
  {
    contributors = [],
    noun = "plan",
  }: { contributors?: readonly Contributor[]; noun?: "plan" | "change set" | "settings change" } = {},
): ApprovalRefusal | null {
  if (isWriter(author, actor))
    return {
      code: "forbidden",
      because: "author",
      message: `The author of a ${noun} cannot approve it: another admin must.`,
    };
  const contributed = writtenBy(contributors, actor);
  if (contributed.length > 0)
    return {
      code: "approver-contributed",
      because: "contributed",
      message: `You wrote what this ${noun} brings to ${noun === "plan" ? "its API" : "its APIs"} (${contributed.join("; ")}), so your approval would be of your own change: an admin who wrote none of its inputs must approve.`,
      contributed,
    };
  if (actor.type === "app" && !settings.automationApprovers)
    return {
      code: "forbidden",
      because: "automation",
      message: "This instance does not accept approvals from automation (client credentials): an admin must approve.",
    };
  return null;
}

/**
 * The approval state of a plan with content hash `planHash` at `now`. Each actor's latest
 * decision replaces their earlier ones. An approval counts when it is for this hash, not expired,
 * and one approvalRefusal would not refuse now: not the author's, not by a writer of what it
 * brings (`contributors`), and not automation's unless the instance allows it. So an approval
 * recorded before a rule refused it (the contributors' rule came after approvals) does not count
 * either. A rejection for this hash stops the plan whoever made it (an author may withdraw their
 * own plan); it does not expire. A plan with nothing to write needs no approval.
 */
export function approvalState(input: {
  settings: ApprovalSettings;
  author: PlanAuthor;
  /**
   * Who wrote what the plan (or each plan of a set) brings, as approvalRefusal reads them. Only
   * approvals are judged by them: a subject whose decisions hold no approval may pass none.
   */
  contributors: readonly Contributor[];
  planHash: string;
  empty: boolean;
  decisions: readonly RecordedDecision[];
  now: Date;
}): ApprovalState {
  const required = input.empty ? 0 : effectiveApprovalsRequired(input.settings);
  const latest = new Map<string, RecordedDecision>();
  for (const decision of [...input.decisions].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    latest.set(decision.actorOid, decision);
  }
  const decisions = input.decisions.map((decision): DecisionState => {
    const because = notCountedBecause(input, decision, latest.get(decision.actorOid) !== decision);
    return { ...decision, counts: because === null, notCountedBecause: because };
  });
  const counting = decisions.filter((decision) => decision.counts);
  const rejection = counting.find((decision) => decision.decision === "rejected") ?? null;
  const approvedBy = counting.filter((decision) => decision.decision === "approved").length;
  const status: ApprovalStatus =
    required === 0 ? "not_required" : rejection ? "rejected" : approvedBy >= required ? "approved" : "waiting";
  return { required, status, approvedBy, rejection, decisions };
}

/** What approvalState reads of a subject but its content hash and who wrote what it brings. */
export type ApprovalStateBeforeContent = Omit<Parameters<typeof approvalState>[0], "planHash" | "contributors">;

/**
 * The status approvalState gives at most: as if every decision had been made for the subject's
 * content and nobody had written what it brings. Neither a decision made for other content nor a
 * contributor can make a decision count — they only stop some from counting — and a subject that
 * waits still waits with fewer approvals or no rejection. So `waiting` (or `not_required`) here is
 * its status whatever its hash and contributors; only `approved` or `rejected` needs them read to
 * know. What lets a count of what waits skip reading plans' content and their contributors.
 */
export function statusBeforeContent(input: ApprovalStateBeforeContent): ApprovalStatus {
  // Any one hash: every decision is taken as made for it.
  const planHash = "";
  return approvalState({
    ...input,
    contributors: [],
    planHash,
    decisions: input.decisions.map((decision) => ({ ...decision, planHash })),
  }).status;
}

/**
 * Who approved, as an apply's start event records it: the approvals that count now (the
 * decisions of the authors, expired ones and superseded ones left out).
 */
export function countingApprovers(state: Pick<ApprovalState, "decisions">): ApprovalEvidence[] {
  return state.decisions
    .filter((decision) => decision.counts && decision.decision === "approved")
    .map((decision) => ({ type: decision.actorType, oid: decision.actorOid, name: decision.actorName }));
}

export interface ApprovalEvidence {
  type: "user" | "app";
  oid: string;
  name: string;
}

function notCountedBecause(
  input: {
    settings: ApprovalSettings;
    author: PlanAuthor;
    contributors: readonly Contributor[];
    planHash: string;
    now: Date;
  },
  decision: RecordedDecision,
  superseded: boolean,
): NotCountedBecause | null {
  if (superseded) return "superseded";
  if (decision.planHash !== input.planHash) return "plan-changed";
  if (decision.decision === "rejected") return null;
  // The rule that refuses an approval when it is made, applied again to each one recorded.
  const refusal = approvalRefusal(
    input.settings,
    input.author,
    { type: decision.actorType, oid: decision.actorOid, name: decision.actorName },
    { contributors: input.contributors },
  );
  if (refusal) return refusal.because;
  if (decision.expiresAt.getTime() <= input.now.getTime()) return "expired";
  return null;
}
