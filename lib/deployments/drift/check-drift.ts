import { AppError } from "../../errors";
import type { StoredDataError } from "../../db/parse-stored";
import { log } from "../../log";
import type { ApiPolicy } from "../../apim";
import { EMPTY_POLICY_DOCUMENT } from "../../policy";
import { managedFieldsOf, shownBackendFields } from "../backend-fields";
import type { ManagedBackendFields } from "../../policy";
import { fieldChanges } from "../diff/field-changes";
import { lineDiff } from "../diff/line-diff";
import type { LastApplied } from "../last-applied";
import { policyStateOf, sameManagedPart, sameOutside } from "../../policy/policy-state";
import type { AppliedState, DriftDifference, DriftReport } from "../schemas";
import type { DriftReader } from "./drift-reader";

interface ApiRef {
  id: string;
  apimName: string;
  displayName: string;
}

type Found = Omit<DriftDifference, "changes" | "hunks"> &
  Partial<Pick<DriftDifference, "changes" | "hunks">> & { matters: boolean };

/**
 * Compares what APIM holds with what the last successful deployment left there. An entity
 * whose ETag is unchanged is unchanged; only the others are read in full and compared by
 * meaning. What matters (the managed block, the backend's managed fields, a named value the
 * profile needs) is reported apart from edits Portcullis does not manage.
 */
export async function checkDrift(reader: DriftReader, api: ApiRef, applied: LastApplied): Promise<DriftReport> {
  const { state } = applied;
  const baseline = {
    deploymentId: applied.deploymentId,
    finishedAt: applied.finishedAt?.toISOString() ?? null,
    profileVersion: state.profileVersion,
  };
  try {
    const found = (
      await Promise.all([policyDrift(reader, api, state), backendDrift(reader, state), namedValueDrift(reader, state)])
    ).flat();
    const significant = found.filter((difference) => difference.matters).map(toDifference);
    const harmless = found.filter((difference) => !difference.matters).map(toDifference);
    const status = significant.length > 0 ? "drifted" : harmless.length > 0 ? "changed_harmlessly" : "in_sync";
    const restorePlan =
      significant.length > 0 ? { method: "POST" as const, href: `/api/v1/apis/${api.id}/drift/plan` } : null;
    return {
      apiId: api.id,
      apimName: api.apimName,
      displayName: api.displayName,
      status,
      baseline,
      significant,
      harmless,
      error: null,
      restorePlan,
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      apiId: api.id,
      apimName: api.apimName,
      displayName: api.displayName,
      status: "check_failed",
      baseline,
      significant: [],
      harmless: [],
      error: error.message,
      restorePlan: null,
    };
  }
}

/** A report for an API nothing was applied to yet: there is no baseline to compare with. */
export function notDeployedReport(api: ApiRef): DriftReport {
  return {
    apiId: api.id,
    apimName: api.apimName,
    displayName: api.displayName,
    status: "not_deployed",
    baseline: null,
    significant: [],
    harmless: [],
    error: null,
    restorePlan: null,
  };
}

/**
 * A report for an API whose last successful deployment's record does not read back (changed
 * outside Portcullis): its drift cannot be judged, and the error names the row, never a value.
 */
export function unreadableBaselineReport(api: ApiRef, error: StoredDataError): DriftReport {
  log.error({ err: error, apiId: api.id }, "drift baseline unreadable");
  return { ...notDeployedReport(api), status: "check_failed", error: error.message };
}

function toDifference({ matters: _matters, changes = [], hunks = [], ...difference }: Found): DriftDifference {
  return { ...difference, changes, hunks };
}

async function namedValueDrift(reader: DriftReader, state: AppliedState): Promise<Found[]> {
  const etags = await Promise.all(state.namedValues.map((value) => reader.namedValueEtag(value.name)));
  return state.namedValues
    .filter((_, index) => etags[index] === null)
    .map((value) => ({
      matters: true,
      entity: "namedValue",
      name: value.displayName,
      kind: "named-value-missing",
      message: `Named value '${value.displayName}' that the policy uses no longer exists.`,
    }));
}

async function backendDrift(reader: DriftReader, state: AppliedState): Promise<Found[]> {
  const applied = state.backend;
  if (applied === null || (await reader.backendEtag(applied.backendId)) === applied.etag) return [];
  const name = applied.backendId;
  const live = await reader.backend(name);
  if (live === null)
    return [
      {
        matters: true,
        entity: "backend",
        name,
        kind: "backend-deleted",
        message: `Backend '${name}' that the policy selects was deleted.`,
      },
    ];
  const changes = fieldChanges(
    shownBackendFields(applied.fields),
    shownBackendFields(managedFieldsOf(live.properties)),
  );
  if (changes.length > 0)
    return [
      {
        matters: true,
        entity: "backend",
        name,
        kind: "backend-fields-changed",
        message: `Backend '${name}' no longer has the URL or credentials last applied.`,
        changes,
      },
    ];
  return [
    {
      matters: false,
      entity: "backend",
      name,
      kind: "backend-other-fields-changed",
      message: `Backend '${name}' changed in settings Portcullis does not manage.`,
    },
  ];
}

async function policyDrift(reader: DriftReader, api: ApiRef, state: AppliedState): Promise<Found[]> {
  const etag = await reader.policyEtag(api.apimName);
  if (etag === (state.policy?.etag ?? null)) return [];
  return comparePolicies(api.apimName, state, etag === null ? null : await reader.policy(api.apimName));
}

function comparePolicies(name: string, state: AppliedState, live: ApiPolicy | null): Found[] {
  const backends: Record<string, ManagedBackendFields> = state.backend
    ? { [state.backend.backendId]: state.backend.fields }
    : {};
  const applied = state.policy && policyStateOf(state.policy.xml, backends);
  const appliedBlocks = applied?.blocks ?? 0;
  const policy = (
    matters: boolean,
    kind: DriftDifference["kind"],
    message: string,
    extra: Partial<Found> = {},
  ): Found => ({ matters, entity: "policy", name, kind, message, ...extra });
  if (live === null) {
    return [
      appliedBlocks > 0
        ? policy(
            true,
            "policy-deleted",
            `The policy of API '${name}' was deleted, and with it the checks Portcullis applied.`,
          )
        : policy(
            false,
            "policy-deleted",
            `The policy of API '${name}' was deleted; it held nothing Portcullis manages.`,
          ),
    ];
  }
  const current = policyStateOf(live.xml, backends);
  if (current === null)
    return [policy(true, "policy-unreadable", `The policy of API '${name}' is no longer a readable policy document.`)];
  // An API that had no policy behaves as if it had APIM's default document.
  const expected = applied ?? policyStateOf(EMPTY_POLICY_DOCUMENT, backends)!;
  const found: Found[] = [];
  if (current.blocks > 1)
    found.push(
      policy(
        true,
        "managed-block-duplicated",
        `The policy has ${current.blocks} Portcullis blocks; only one is expected.`,
      ),
    );
  else if (current.blocks === 0 && appliedBlocks > 0)
    found.push(
      policy(true, "managed-block-removed", "The Portcullis block was removed from the policy.", {
        changes: fieldChanges(state.profile, null),
      }),
    );
  else if (!sameManagedPart(current, expected)) {
    const added =
      current.profile !== null && current.blockStatements !== expected.blockStatements
        ? " Statements were added inside it."
        : "";
    found.push(
      policy(
        true,
        "managed-block-changed",
        `The Portcullis block no longer reads back to access profile version ${state.profileVersion}.${added}`,
        { changes: fieldChanges(state.profile, current.profile) },
      ),
    );
  }
  if (!sameOutside(current, expected)) {
    found.push(
      policy(false, "policy-edited-outside-block", "The policy was edited outside the Portcullis block.", {
        hunks: lineDiff(expected.outside.join("\n"), current.outside.join("\n")),
      }),
    );
  }
  if (found.length === 0)
    found.push(policy(false, "policy-resaved", "The policy was saved again with the same content (new ETag)."));
  return found;
}
