import { limitConcurrency } from "../apim";
import { assertApiInApim } from "../apis/find-api";
import type { RequestContext } from "../auth/request-context";
import type { AccessProfileVersion } from "../db/generated/client";
import { preparePlan, type PreparedPlan } from "../deployments/create-plan";
import { planReads, type PlanReads } from "../deployments/plan/plan-reads";
import { getDb } from "../db";
import { variableValuesOnce, type VariableValues } from "../environments/resolve-written-profile";
import { AppError } from "../errors";
import type { AccessProfile } from "../policy/profile-schema";
import {
  isVersionTaken,
  prepareProfileVersion,
  staleProfileError,
  takenVersions,
  type FollowingChange,
  type PreparedProfileVersion,
} from "../profiles/save-access-profile";
import type { TemplateOrigin } from "../profiles/schemas";
import type { ChangeSetChange } from "./change-schema";
import { CHANGE_SET_CONCURRENCY } from "./concurrency";
import type { ApiWithProfile } from "./create-change-set";
import { recordChangeSet, type MadeChangeSet, type PreparedItem, type SetEvents } from "./record-change-set";
import type { ChangeSetView, FollowingChangeView, ItemStatus } from "./schemas";
import type { SetVariables } from "./set-variables";

/** What a set does with one API, decided from its current profile before APIM is read. */
export type ItemIntent =
  | { kind: "blocked"; code: string; message: string }
  /**
   * Its current version already says what the set asks: planned as it is, nothing saved; what
   * the API follows may still change (`following`, written with the set's versions).
   */
  | { kind: "plan-current"; following?: FollowingChange }
  /** A new version (If-Match of the version it replaces), saved and planned. */
  | {
      kind: "save";
      save: {
        profile: AccessProfile;
        ifMatch: string | null;
        adopt?: boolean;
        promotedFrom?: { apiId: string; instance: string; version: number };
        template?: TemplateOrigin;
        following?: "template" | "none";
      };
    };

/**
 * Makes a change set from each API's intent: the new versions are checked (If-Match, variables)
 * and every API is planned with its version's content, 16 at once, with the set's shared
 * `reads`; the versions (each audited as any save) and the plans are stored with the set in one
 * statement (recordChangeSet), so a set that fails to be stored leaves no version behind. A
 * version another save raced past fails that statement: its API is blocked as stale and the set
 * recorded again without it. An API is blocked (never applied, with `{code, message}` reasons)
 * when its version is refused, planning fails, or its plan has lint errors or blocking
 * effective-access findings; `unchanged` when the plan has nothing to write; otherwise `planned`. A set that changes its environment's
 * `variables` resolves the new versions with the values it gives. `events` (about the set) are
 * stored with it. An API's `following` (what it follows before → after) is stored with its item
 * unless its version is refused or raced past: then neither is written. Each environment's
 * variables are read once for the set (`values`, or read here when not given). Nothing in APIM
 * changes here.
 */
export async function makeChangeSet(
  ctx: RequestContext,
  {
    title,
    change,
    apis,
    variables = null,
    events,
    values = variableValuesOnce(getDb(), variables?.proposed),
    source = null,
  }: {
    title: string;
    change: ChangeSetChange;
    apis: ReadonlyArray<{ api: ApiWithProfile; intent: ItemIntent; following?: FollowingChangeView }>;
    variables?: SetVariables | null;
    events?: SetEvents;
    /** The set's variables as its intents were decided with them (variableValuesOnce with `variables`' proposed). */
    values?: VariableValues;
    /** Where a profiles-as-code set came from (recordChangeSet). */
    source?: string | null;
  },
): Promise<ChangeSetView> {
  const reads = planReads(apis.map(({ api }) => api.id));
  const limit = limitConcurrency(CHANGE_SET_CONCURRENCY);
  // Each API is decided in its place among the 16, just before its plan's reads are sent, so
  // deciding spreads over the rounds. Deciding all of them up front held this process for
  // 50–700 ms in the first round (one long run of microtasks): the first plans' ARM answers waited
  // behind it (bench/README.md, change-set-200, `cspath`).
  const decided = new Array<Decided>(apis.length);
  // The plans need the versions' content, not their rows: the versions are stored with the set.
  const planned = await Promise.all(
    apis.map(({ api, intent, following }, index) =>
      limit(async () => planItem(ctx, reads, (decided[index] = await decide(ctx, api, intent, values, following)))),
    ),
  );
  // Versions whose number another save took since they were prepared: their APIs are blocked as
  // stale, and the set is recorded again without them (each retry has fewer; see recordChangeSet).
  const taken = new Set<string>();
  for (;;) {
    try {
      return await recordChangeSet(ctx, {
        title,
        change,
        apis: new Map(apis.map(({ api }) => [api.id, api])),
        ...madeItems(decided, planned, taken),
        variables,
        events,
        source,
      });
    } catch (error) {
      if (!isVersionTaken(error)) throw error;
      const raced = await takenVersions(
        decided.flatMap(({ save }) => (save && !taken.has(save.version.id) ? [save] : [])),
      );
      if (raced.size === 0) throw error;
      for (const id of raced) taken.add(id);
    }
  }
}

/**
 * The set's items, plans, versions to store and following changes, an API whose version was
 * `taken` by another save blocked as stale: neither its version nor what it follows is written.
 */
function madeItems(
  decided: readonly Decided[],
  planned: ReadonlyArray<{ item: PreparedItem; plan: PreparedPlan | null }>,
  taken: ReadonlySet<string>,
): Pick<MadeChangeSet, "items" | "plans" | "versions" | "following"> {
  const stale = (save: PreparedProfileVersion | null | undefined) => save && taken.has(save.version.id);
  const items = planned.map(({ item, plan }, index) =>
    stale(decided[index]!.save) ? { item: blocked(item.apiId, staleProfileError()), plan: null } : { item, plan },
  );
  const following = decided.flatMap((item): FollowingChange[] => {
    if (item.kind !== "plan") return [];
    if (!item.save) return item.following ? [item.following] : [];
    const { version, follows } = item.save;
    return follows && !stale(item.save) ? [{ apiId: version.apiId, ...follows }] : [];
  });
  return {
    items: items.map(({ item }) => item),
    plans: items.flatMap(({ plan }) => (plan ? [plan] : [])),
    versions: decided.flatMap(({ save }) => (save && !stale(save) ? [save] : [])),
    following,
  };
}

type Decided =
  | { kind: "blocked"; item: PreparedItem; save?: undefined }
  | {
      kind: "plan";
      api: ApiWithProfile;
      version: AccessProfileVersion;
      save: PreparedProfileVersion | null;
      following?: FollowingChange;
      /** The same change as the item shows it. */
      shown: FollowingChangeView | null;
    };

/** The version to plan (prepared when new), or why the API is blocked. */
async function decide(
  ctx: RequestContext,
  api: ApiWithProfile,
  intent: ItemIntent,
  values: VariableValues,
  following: FollowingChangeView | undefined,
): Promise<Decided> {
  if (intent.kind === "blocked") return { kind: "blocked", item: blocked(api.id, intent) };
  try {
    assertApiInApim(api);
    const current = api.profileVersions[0] ?? null;
    const shown = following ?? null;
    if (intent.kind === "plan-current")
      return { kind: "plan", api, version: current!, save: null, following: intent.following, shown };
    const save = await prepareProfileVersion(ctx, { apiId: api.id, ...intent.save }, { api, current }, values);
    return { kind: "plan", api, version: save.version, save, shown };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { kind: "blocked", item: blocked(api.id, error) };
  }
}

/**
 * Plans one API's version with the set's shared `reads`: blocked when planning is refused or the
 * plan has lint errors or blocking effective-access findings. A version saved earlier (not by
 * this set) says so: `unchanged` only when APIM already holds it.
 */
async function planItem(
  ctx: RequestContext,
  reads: PlanReads,
  decided: Decided,
): Promise<{ item: PreparedItem; plan: PreparedPlan | null }> {
  if (decided.kind === "blocked") return { item: decided.item, plan: null };
  const { api, version, save, shown } = decided;
  let plan: PreparedPlan;
  try {
    plan = await preparePlan(ctx, { api, version, purpose: "profile" }, { reads, inChangeSet: true });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { item: { ...blocked(api.id, error), following: shown }, plan: null };
  }
  const blocking = [
    ...plan.diff.lint.findings
      .filter((finding) => finding.severity === "error")
      .map((finding) => ({ code: finding.code, message: `Line ${finding.line}: ${finding.message}` })),
    ...(plan.diff.effectiveAccess?.findings ?? [])
      .filter((finding) => finding.severity === "blocking")
      .map((finding) => ({
        code: finding.code,
        message: `${finding.scope} policy${finding.scopeId ? ` ${finding.scopeId}` : ""}, line ${finding.line}: ${finding.message}`,
      })),
  ];
  const status: ItemStatus = blocking.length > 0 ? "blocked" : plan.empty ? "unchanged" : "planned";
  // A version saved earlier (not by this set) says so, unless APIM already has it.
  const summary = save
    ? plan.diff.summary
    : status === "unchanged"
      ? "Its profile already is this one and APIM has it: nothing saved."
      : `Saved earlier as version ${version.version}, not applied yet: ${plan.diff.summary}`;
  return {
    item: { apiId: api.id, planId: plan.row.id, planHash: plan.hash, status, summary, blocking, following: shown },
    plan,
  };
}

function blocked(apiId: string, { code, message }: { code: string; message: string }): PreparedItem {
  return {
    apiId,
    planId: null,
    planHash: null,
    status: "blocked",
    summary: "Not changed.",
    blocking: [{ code, message }],
    following: null,
  };
}
