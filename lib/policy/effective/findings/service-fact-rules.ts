/**
 * What the policies ask of the service that the service does not have: a managed identity it
 * does not carry, a named value that does not exist or that APIM could not refresh from Key Vault.
 */
import { findNamedValueReferences } from "../../document/policy-references";
import { profileReferences } from "../../profile-references";
import type { AccessFacts, ServiceIdentity } from "../effective-input";
import {
  describeStatement,
  POLICY_SECTIONS,
  type EffectivePipeline,
  type PipelineStatement,
  type PolicyValue,
  type StatementRef,
} from "../effective-pipeline";
import { namedValueMap, resolve } from "../policy-value";
import { REQUEST_SECTIONS, walkPipeline } from "../walk-pipeline";
import { findingAt, type EffectiveAccessFinding, type NotConcluded } from "./effective-access-finding";

interface IdentityUse {
  statement: PipelineStatement;
  /** The user-assigned identity's client id; undefined for the system-assigned identity. */
  clientId: PolicyValue | undefined;
  what: string;
}

export function managedIdentityFindings(
  pipeline: EffectivePipeline,
  facts: AccessFacts,
  notConcluded: NotConcluded[],
): EffectiveAccessFinding[] {
  const uses = walkPipeline(pipeline, REQUEST_SECTIONS).flatMap(({ statement }) => identityUses(statement, facts));
  if (uses.length === 0) return [];
  const identity = facts.serviceIdentity;
  if (identity === undefined) {
    notConcluded.push({
      code: "managed-identity-missing",
      reason:
        "the service's managed identities were not given, so whether it has the identities the policies use is unknown",
    });
    return [];
  }
  const namedValues = namedValueMap(facts.namedValues);
  return uses.flatMap((use) => {
    const severity = use.statement.managed ? "blocking" : "warning";
    if (use.clientId === undefined) {
      if (identity.type.includes("SystemAssigned")) return [];
      return [
        findingAt(
          use.statement,
          "managed-identity-missing",
          severity,
          `${use.what} asks for a token of the service's system-assigned identity, but the service has none (identity type ${identity.type}): the backend call gets no token.`,
        ),
      ];
    }
    const clientId = resolve(use.clientId, namedValues);
    if (!clientId.ok) {
      notConcluded.push({
        code: "managed-identity-missing",
        reason: `${describeStatement(use.statement)}: ${clientId.reason}`,
      });
      return [];
    }
    if (attachedClientIds(identity).includes(clientId.value.toLowerCase())) return [];
    return [
      findingAt(
        use.statement,
        "managed-identity-missing",
        severity,
        `${use.what} asks for a token of the user-assigned identity with client id ${clientId.value}, which is not attached to the service: the backend call gets no token.`,
      ),
    ];
  });
}

function identityUses(statement: PipelineStatement, facts: AccessFacts): IdentityUse[] {
  if (statement.role === "managed-identity")
    return [{ statement, clientId: statement.clientId ?? undefined, what: describeStatement(statement) }];
  // A backend entity with managed identity credentials asks APIM for the token itself.
  if (statement.role !== "backend-target" || statement.backendId?.kind !== "literal") return [];
  const backendId = statement.backendId.text;
  const credentials = facts.backends?.[backendId]?.credentials?.managedIdentity;
  if (credentials === undefined) return [];
  const clientId: PolicyValue | undefined =
    credentials.clientId === undefined ? undefined : { text: credentials.clientId, kind: "literal" };
  return [{ statement, clientId, what: `Backend '${backendId}' (selected by ${describeStatement(statement)})` }];
}

function attachedClientIds(identity: ServiceIdentity): string[] {
  return Object.values(identity.userAssignedIdentities ?? {}).flatMap((attached) =>
    attached.clientId === undefined ? [] : [attached.clientId.toLowerCase()],
  );
}

/**
 * The named values the profile refers to (or, without a profile, those the Portcullis blocks
 * refer to) must exist, and a Key Vault reference must have been refreshed.
 */
export function namedValueFindings(
  pipeline: EffectivePipeline,
  facts: AccessFacts,
  notConcluded: NotConcluded[],
): EffectiveAccessFinding[] {
  const references = referencedNamedValues(pipeline);
  if (references.length === 0) return [];
  if (facts.namedValues === undefined) {
    notConcluded.push({
      code: "named-value-missing",
      reason: `the service's named values were not given, so whether ${references.map((reference) => `{{${reference.name}}}`).join(", ")} exist is unknown`,
    });
    return [];
  }
  const findings: EffectiveAccessFinding[] = [];
  for (const { name, where } of references) {
    const namedValue = facts.namedValues.find((candidate) => candidate.name === name);
    if (namedValue === undefined) {
      findings.push(
        findingAt(
          where,
          "named-value-missing",
          "blocking",
          `The profile's backend credential refers to named value {{${name}}}, which does not exist in the service: APIM refuses the policy, or the backend gets no credential.`,
        ),
      );
      continue;
    }
    const status = namedValue.keyVault?.lastStatus;
    if (status !== undefined && status.code.toLowerCase() !== "success") {
      findings.push(
        findingAt(
          where,
          "key-vault-refresh-failed",
          "blocking",
          `APIM could not refresh named value {{${name}}} from Key Vault (${status.code}${status.message === undefined ? "" : `: ${status.message}`}${status.timeStampUtc === undefined ? "" : `, ${status.timeStampUtc}`}): the credential the profile sends may be missing or out of date.`,
        ),
      );
    }
  }
  return findings;
}

function referencedNamedValues(pipeline: EffectivePipeline): Array<{ name: string; where: StatementRef }> {
  const managed = walkPipeline(pipeline, POLICY_SECTIONS).filter((visit) => visit.statement.managed);
  const found = new Map<string, StatementRef>();
  for (const { statement } of managed) {
    for (const value of policyValues(statement)) {
      for (const name of findNamedValueReferences(value.text)) if (!found.has(name)) found.set(name, statement);
    }
  }
  const api = { element: "policies", scope: "api" as const, line: 1, column: 1 };
  const names = pipeline.profile === null ? [...found.keys()] : profileReferences(pipeline.profile).namedValues;
  return names.map((name) => ({ name, where: found.get(name) ?? api }));
}

/** Every value a statement holds (not those of the statements inside it). */
function policyValues(statement: PipelineStatement): PolicyValue[] {
  const values: PolicyValue[] = [];
  const collect = (value: unknown, key: string): void => {
    if (key === "statements" || key === "possibly" || key === "branches") return;
    if (Array.isArray(value)) value.forEach((item) => collect(item, ""));
    else if (value !== null && typeof value === "object") {
      const candidate = value as Partial<PolicyValue>;
      if (typeof candidate.text === "string" && typeof candidate.kind === "string")
        values.push(candidate as PolicyValue);
      else for (const [field, item] of Object.entries(value)) collect(item, field);
    }
  };
  collect(statement, "");
  return values;
}
