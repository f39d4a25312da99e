/**
 * Statements outside the Portcullis block that run after it and replace what it set: another
 * backend selection, or another value of the credential header. The profile then no longer
 * decides how APIM authenticates to the model.
 */
import { describeStatement, scopeRank, type PipelineStatement } from "../effective-pipeline";
import { canRunBefore, conditionPhrase, REQUEST_SECTIONS, walkPipeline, type Visit } from "../walk-pipeline";
import type { EffectivePipeline } from "../effective-pipeline";
import { findingAt, type EffectiveAccessFinding } from "./effective-access-finding";

export function overrideFindings(pipeline: EffectivePipeline): EffectiveAccessFinding[] {
  const visits = walkPipeline(pipeline, REQUEST_SECTIONS);
  return [...backendOverrides(visits), ...credentialOverrides(visits)];
}

function backendOverrides(visits: readonly Visit[]): EffectiveAccessFinding[] {
  const managed = visits.filter((visit) => visit.statement.managed && visit.statement.role === "backend-target");
  return visits.flatMap((later) => {
    const statement = later.statement;
    if (statement.managed || statement.role !== "backend-target") return [];
    const replaced = managed.find(
      (earlier) => canRunBefore(earlier, later) && overridesSelection(earlier.statement, statement),
    );
    if (replaced === undefined) return [];
    return [
      findingAt(
        statement,
        "managed-backend-overridden",
        "blocking",
        `${describeStatement(statement)} runs after the Portcullis block's backend selection (${describeStatement(replaced.statement)}) and replaces it${conditionPhrase(later)}: the request goes to another backend, without the credentials the profile configures.`,
        [replaced.statement],
      ),
    ];
  });
}

/**
 * "If you define a base set-backend-service policy using the backend-id attribute and inherit the
 * base policy using <base /> within the scope, then it can only be overridden with a policy using
 * the backend-id attribute, not the base-url attribute."
 */
function overridesSelection(managed: PipelineStatement, later: PipelineStatement): boolean {
  if (later.role !== "backend-target" || managed.role !== "backend-target") return false;
  // Selecting the very backend the block selects changes nothing.
  if (
    later.baseUrl === null &&
    later.backendId?.kind === "literal" &&
    managed.backendId?.kind === "literal" &&
    later.backendId.text === managed.backendId.text
  )
    return false;
  const inheritedBackendId = managed.backendId !== null && scopeRank(later.scope) > scopeRank(managed.scope);
  return !(inheritedBackendId && later.backendId === null);
}

function credentialOverrides(visits: readonly Visit[]): EffectiveAccessFinding[] {
  const managed = visits.flatMap((visit) =>
    visit.statement.managed ? headersWritten(visit.statement).map((header) => ({ visit, header })) : [],
  );
  return visits.flatMap((later) => {
    if (later.statement.managed) return [];
    const written = headersWritten(later.statement);
    // Removing a header the block already removed (the caller's token, once validated) changes nothing.
    const replaced = managed.find(
      ({ visit, header }) =>
        written.includes(header) &&
        canRunBefore(visit, later) &&
        !(deletes(visit.statement) && deletes(later.statement)),
    );
    if (replaced === undefined) return [];
    return [
      findingAt(
        later.statement,
        "managed-credential-overridden",
        "blocking",
        `${describeStatement(later.statement)} runs after the Portcullis block's ${describeStatement(replaced.visit.statement)} and rewrites the ${replaced.header} header it sets${conditionPhrase(later)}: the backend does not receive the credential the profile configures.`,
        [replaced.visit.statement],
      ),
    ];
  });
}

function deletes(statement: PipelineStatement): boolean {
  return statement.role === "header" && statement.action.kind === "literal" && statement.action.text === "delete";
}

/** The credential headers (lower case) a statement sets, replaces or removes. */
function headersWritten(statement: PipelineStatement): string[] {
  if (statement.role === "header") {
    if (!statement.credential || statement.header === null) return [];
    return statement.action.kind === "literal" && statement.action.text === "skip"
      ? []
      : [statement.header.text.toLowerCase()];
  }
  // Without an output variable, the token goes "in the Authorization header using the Bearer scheme".
  if (statement.role === "managed-identity") return statement.outputTokenVariable === null ? ["authorization"] : [];
  return statement.role === "backend-authentication" && statement.kind === "basic" ? ["authorization"] : [];
}
