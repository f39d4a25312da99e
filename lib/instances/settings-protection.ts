import { effectiveApprovalsRequired } from "../deployments/approval/approval-rules";

/** An instance's four-eyes settings, as stored. */
export interface FourEyesSettings {
  environment: string | null;
  approvalsRequired: number | null;
  automationApprovers: boolean;
  approvalLifetimeHours: number;
}

export const FOUR_EYES_SETTINGS = [
  "environment",
  "approvalsRequired",
  "automationApprovers",
  "approvalLifetimeHours",
] as const satisfies ReadonlyArray<keyof FourEyesSettings>;

/** The four-eyes settings of an instance row. */
export function fourEyesSettingsOf(row: FourEyesSettings): FourEyesSettings {
  return {
    environment: row.environment,
    approvalsRequired: row.approvalsRequired,
    automationApprovers: row.automationApprovers,
    approvalLifetimeHours: row.approvalLifetimeHours,
  };
}

/** The settings as they are, with those `change` gives replacing theirs. */
export function withChanges(before: FourEyesSettings, change: Partial<FourEyesSettings>): FourEyesSettings {
  const after = { ...before };
  for (const key of FOUR_EYES_SETTINGS) if (change[key] !== undefined) Object.assign(after, { [key]: change[key] });
  return after;
}

/**
 * What going from `before` to `after` weakens, in words; empty when nothing does. Pure. Fewer
 * approvals (none included), automation's approvals counting, a longer approval lifetime, and
 * an environment moved away from production (whose default and meaning is protection) each lower
 * an instance's protection; anything else keeps or raises it.
 */
export function protectionLowered(before: FourEyesSettings, after: FourEyesSettings): string[] {
  const lowered: string[] = [];
  const [was, will] = [effectiveApprovalsRequired(before), effectiveApprovalsRequired(after)];
  if (will < was)
    lowered.push(will === 0 ? "applies would need no approval" : `approvals needed from ${was} to ${will}`);
  if (after.automationApprovers && !before.automationApprovers) lowered.push("automation's approvals would count");
  if (after.approvalLifetimeHours > before.approvalLifetimeHours)
    lowered.push(`approvals would last ${after.approvalLifetimeHours} h instead of ${before.approvalLifetimeHours} h`);
  if (before.environment === "production" && after.environment !== "production")
    lowered.push(`environment from production to ${after.environment ?? "not set"}`);
  return lowered;
}

/**
 * A change split by what it does to protection: `stricter`, the settings with only the changes
 * that keep or raise it (each weighed on its own against `before`), which may apply at once; and
 * what going on from there to `after` lowers, which must wait for approval. Pure. Should the
 * stricter changes together lower anything (they never do with today's settings), nothing is
 * split off: the whole change waits.
 */
export function splitByProtection(
  before: FourEyesSettings,
  after: FourEyesSettings,
): { stricter: FourEyesSettings; lowers: string[] } {
  const raising = FOUR_EYES_SETTINGS.filter(
    (key) =>
      after[key] !== before[key] && protectionLowered(before, withChanges(before, { [key]: after[key] })).length === 0,
  );
  const stricter = withChanges(before, Object.fromEntries(raising.map((key) => [key, after[key]])));
  if (protectionLowered(before, stricter).length > 0)
    return { stricter: before, lowers: protectionLowered(before, after) };
  return { stricter, lowers: protectionLowered(stricter, after) };
}
