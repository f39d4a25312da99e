import type { ApiPolicy, Backend, NamedValue } from "../../apim";
import { AppError } from "../../errors";
import {
  EMPTY_POLICY_DOCUMENT,
  lintPolicy,
  listPolicyReferences,
  mergePolicy,
  parsePolicyDocumentOnce,
  parsePolicySource,
  profileReferences,
  type AccessProfile,
  type PolicySource,
} from "../../policy";
import {
  desiredBackendOf,
  managedFieldsOf,
  sameBackendFields,
  shownBackendFields,
  type DesiredBackend,
} from "../backend-fields";
import type { ManagedBackendFields } from "../../policy";
import { fieldChanges } from "../diff/field-changes";
import { lineDiff } from "../diff/line-diff";
import { policyStateOf, sameManagedPart } from "../../policy/policy-state";
import type { DesiredState, PlanDiff, PlanOperation, UnsequencedOperation } from "../schemas";

/** What a plan reads from APIM. */
export interface LiveState {
  policy: ApiPolicy | null;
  /** The profile's backend and the backends Portcullis may remove, by id; null = absent. */
  backends: ReadonlyMap<string, (Backend & { etag: string }) | null>;
  /** The service's named values (listed only when something references one). */
  namedValues: readonly NamedValue[];
}

/** A backend Portcullis created for this API, and which other APIs' current profiles still use it. */
export interface OwnedBackend {
  backendId: string;
  usedBy: string[];
}

export interface PlanInput {
  apimName: string;
  instanceName: string;
  profile: AccessProfile;
  profileVersion: number;
  /** The version takes over the hand-written statements it was read from (merge in adopt mode). */
  adopt: boolean;
  live: LiveState;
  owned: readonly OwnedBackend[];
  /** HMAC fingerprints kept for named values Portcullis set, by ARM name. */
  fingerprints: ReadonlyMap<string, string | null>;
  tier: "consumption" | "dedicated";
}

export interface ComputedPlan {
  operations: PlanOperation[];
  /** Without the effective access, which needs the other scopes: the use case reads them. */
  diff: Omit<PlanDiff, "effectiveAccess">;
  desired: DesiredState;
}

/**
 * The policy the profile asks for: APIM's document with the managed block merged in. With
 * `adopt`, a policy without a block also loses the hand-written statements the block takes
 * over; once a block exists (after the first apply) adopt changes nothing, so plans converge.
 * `live` is APIM's policy (its text, or the document it parsed to as `xml`), null when it has none.
 */
export function desiredPolicyText(live: PolicySource | null, profile: AccessProfile, adopt = false): string {
  const merged = mergePolicy(live ?? EMPTY_POLICY_DOCUMENT, profile, { format: "xml", adopt });
  if (!merged.ok) {
    const where = merged.error.line === undefined ? "" : ` (line ${merged.error.line}, column ${merged.error.column})`;
    throw new AppError(
      "conflict",
      `The API's policy in APIM cannot take the profile: ${merged.error.message}${where}. Repair the policy in APIM, then plan again.`,
    );
  }
  return merged.text;
}

/**
 * The ordered ARM writes that make APIM match the profile: the backend the policy will select
 * first (APIM refuses a policy naming a missing backend), then the policy, then backends
 * Portcullis created for this API that nothing needs any more (APIM refuses to delete a backend
 * a policy still selects). Each update or delete carries the ETag read; an entity already as
 * desired — compared by meaning, not bytes — gets no operation, so an API in sync has none.
 */
export function computePlan(input: PlanInput): ComputedPlan {
  const { profile, live } = input;
  refuseMissingNamedValues(input);
  const desiredBackend = desiredBackendOf(profile);
  // Each of the two documents is parsed once; the merge, the states, the references and the lint read it as parsed.
  const liveSource = live.policy === null ? null : parsedAsXml(live.policy.xml);
  const xml = desiredPolicyText(liveSource, profile, input.adopt);
  const desiredSource = parsedAsXml(xml);
  const backendsForReading: Record<string, ManagedBackendFields> = desiredBackend
    ? { [desiredBackend.backendId]: desiredBackend.fields }
    : {};
  const desiredPolicy = policyStateOf(desiredSource, backendsForReading)!;
  const livePolicy = liveSource === null ? null : policyStateOf(liveSource, backendsForReading);

  const operations: UnsequencedOperation[] = [];
  const backendDiffs: PlanDiff["backends"] = [];
  const backendOperation =
    desiredBackend && planBackend(desiredBackend, live.backends.get(desiredBackend.backendId) ?? null, backendDiffs);
  if (backendOperation) operations.push(backendOperation);

  // An API without a policy needs none while the profile enforces nothing (APIM's default applies).
  const policyInSync =
    live.policy === null
      ? desiredPolicy.blocks === 0
      : livePolicy !== null && sameManagedPart(livePolicy, desiredPolicy);
  if (!policyInSync) {
    operations.push(
      live.policy
        ? { kind: "policy.update", target: input.apimName, expected: { etag: live.policy.etag }, xml }
        : { kind: "policy.create", target: input.apimName, expected: "absent", xml },
    );
  }
  // The policy APIM will hold (null: none, as now); what it references must exist and stay.
  const finalXml = policyInSync ? (live.policy?.xml ?? null) : xml;
  const finalSource = (policyInSync ? liveSource : desiredSource) ?? desiredSource;
  const references = policyReferencesOf(finalSource);
  operations.push(...planRemovals(input, desiredBackend?.backendId, references.backendIds, backendDiffs));
  const namedValues = referencedNamedValues(input, references.namedValues);
  const lint = lintPolicy(finalSource, {
    format: "xml",
    namedValues: live.namedValues.map((value) => value.displayName),
    tier: input.tier,
  });
  const findings = lint.ok
    ? lint.findings
    : [
        {
          code: "unreadable-policy",
          severity: "error" as const,
          message: lint.error.message,
          line: lint.error.line,
          column: lint.error.column,
        },
      ];
  const sequenced = operations.map((operation, index) => ({ ...operation, seq: index + 1 }) as PlanOperation);

  return {
    operations: sequenced,
    diff: {
      summary: summaryOf(sequenced, input.profileVersion),
      policy: {
        changed: !policyInSync,
        before: live.policy?.xml ?? null,
        after: finalXml,
        hunks: policyInSync ? [] : lineDiff(live.policy?.xml ?? "", xml),
      },
      backends: backendDiffs,
      namedValues: namedValues.map((value) => ({
        displayName: value.displayName,
        namedValueId: value.name,
        secret: value.secret,
        keyVaultSecretId: value.keyVault?.secretIdentifier ?? null,
        fingerprint: input.fingerprints.get(value.name) ?? null,
      })),
      lint: { findings, blocking: findings.some((finding) => finding.severity === "error") },
    },
    desired: {
      profileVersion: input.profileVersion,
      profile,
      policy: finalXml === null ? null : { etag: live.policy?.etag ?? null, xml: finalXml },
      backend: desiredBackend
        ? { ...desiredBackend, etag: live.backends.get(desiredBackend.backendId)?.etag ?? null }
        : null,
      namedValues: namedValues.map((value) => ({ name: value.name, displayName: value.displayName })),
    },
  };
}

function refuseMissingNamedValues(input: PlanInput): void {
  const existing = new Set(input.live.namedValues.map((value) => value.displayName));
  const missing = profileReferences(input.profile).namedValues.filter((name) => !existing.has(name));
  if (missing.length === 0) return;
  const names = missing.map((name) => `'${name}'`).join(", ");
  throw new AppError(
    "conflict",
    `The access profile uses the named value ${names}, which does not exist in APIM instance '${input.instanceName}'. Create it first (a secret or a Key Vault reference), then plan again.`,
    { details: { missingNamedValues: missing } },
  );
}

function planBackend(
  desired: DesiredBackend,
  live: (Backend & { etag: string }) | null,
  diffs: PlanDiff["backends"],
): UnsequencedOperation | undefined {
  const { backendId, fields } = desired;
  if (live === null) {
    diffs.push({ backendId, action: "create", changes: fieldChanges(null, fields), note: null });
    return { kind: "backend.create", target: backendId, expected: "absent", backend: fields };
  }
  const current = managedFieldsOf(live.properties);
  if (sameBackendFields(current, fields)) {
    diffs.push({ backendId, action: "unchanged", changes: [], note: null });
    return undefined;
  }
  diffs.push({
    backendId,
    action: "update",
    changes: fieldChanges(shownBackendFields(current), fields),
    note: "Only url, protocol and credentials change; the backend's other settings are kept.",
  });
  return { kind: "backend.update", target: backendId, expected: { etag: live.etag }, backend: fields };
}

/** Backends Portcullis created for this API that neither this profile, the policy, nor another API's profile uses. */
function planRemovals(
  input: PlanInput,
  desiredBackendId: string | undefined,
  selected: ReadonlySet<string>,
  diffs: PlanDiff["backends"],
): UnsequencedOperation[] {
  const removals: UnsequencedOperation[] = [];
  for (const { backendId, usedBy } of input.owned) {
    const live = input.live.backends.get(backendId) ?? null;
    if (backendId === desiredBackendId || live === null) continue;
    const keptBecause = selected.has(backendId)
      ? "Kept: the policy still selects it outside the managed block."
      : usedBy.length > 0
        ? `Kept: still used by the access profile of ${usedBy.map((name) => `'${name}'`).join(", ")}.`
        : null;
    if (keptBecause !== null) {
      diffs.push({ backendId, action: "kept", changes: [], note: keptBecause });
      continue;
    }
    diffs.push({
      backendId,
      action: "delete",
      changes: fieldChanges(shownBackendFields(managedFieldsOf(live.properties)), null),
      note: "Created by Portcullis for this API and no longer used.",
    });
    removals.push({ kind: "backend.delete", target: backendId, expected: { etag: live.etag } });
  }
  return removals;
}

/**
 * The document `text` parses to as `xml` (what every reader of a plan asks for first), or the
 * text itself when it does not parse, so that each reader reports it as it always has. Remembered
 * by text: the APIs of a change set often hold, and are given, the same policy.
 */
function parsedAsXml(text: string): PolicySource {
  const parsed = parsePolicyDocumentOnce(text, "xml");
  return parsed.ok ? parsed.document : text;
}

function policyReferencesOf(source: PolicySource): { namedValues: Set<string>; backendIds: Set<string> } {
  const parsed = parsePolicySource(source, "xml");
  const references = parsed.ok ? listPolicyReferences(parsed.document) : { namedValues: [], backendIds: [] };
  return {
    namedValues: new Set(references.namedValues.map((reference) => reference.name)),
    backendIds: new Set(references.backendIds.map((reference) => reference.backendId)),
  };
}

/** Named values the resulting policy and backend reference, as they exist in APIM. */
function referencedNamedValues(input: PlanInput, inPolicy: ReadonlySet<string>): NamedValue[] {
  const names = new Set([...profileReferences(input.profile).namedValues, ...inPolicy]);
  return input.live.namedValues.filter((value) => names.has(value.displayName));
}

const VERB: Record<PlanOperation["kind"], string> = {
  "backend.create": "create backend",
  "backend.update": "update backend",
  "backend.delete": "delete backend",
  "policy.create": "create the policy of",
  "policy.update": "update the policy of",
};

function summaryOf(operations: readonly PlanOperation[], profileVersion: number): string {
  if (operations.length === 0) return `No changes: APIM already matches access profile version ${profileVersion}.`;
  const steps = operations.map((operation) => `${VERB[operation.kind]} '${operation.target}'`).join(", then ");
  return `${operations.length} change${operations.length === 1 ? "" : "s"} to match access profile version ${profileVersion}: ${steps}.`;
}
