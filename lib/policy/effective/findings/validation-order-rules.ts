/**
 * Caller validation only protects what runs after it, and only sees the token as it is when it
 * runs: a statement earlier in the composed pipeline (in any scope) that removes or rewrites the
 * token's header, or that forwards, answers or calls out, undoes it.
 */
import { describeStatement, type EffectivePipeline, type PipelineStatement } from "../effective-pipeline";
import { canRunBefore, conditionPhrase, walkPipeline, type Visit } from "../walk-pipeline";
import { findingAt, type EffectiveAccessFinding } from "./effective-access-finding";

const TOKEN_VALIDATIONS = ["validate-azure-ad-token", "validate-jwt"];

export function validationOrderFindings(pipeline: EffectivePipeline): EffectiveAccessFinding[] {
  const visits = walkPipeline(pipeline, ["inbound"]);
  // Only these can undo a validation; looking through them alone keeps large pipelines fast.
  const writers = visits.filter((visit) =>
    ["header", "managed-identity", "backend-authentication"].includes(visit.statement.role),
  );
  const sending = visits.filter(sendsOrAnswers);
  return visits.flatMap((visit) => {
    const statement = visit.statement;
    if (statement.role !== "caller-check" || !TOKEN_VALIDATIONS.includes(statement.element)) return [];
    const severity = statement.managed ? "blocking" : "warning";
    const findings: EffectiveAccessFinding[] = [];
    const header = tokenHeader(statement);
    const rewrite =
      header === undefined
        ? undefined
        : writers.find((earlier) => canRunBefore(earlier, visit) && writesHeader(earlier.statement, header));
    if (rewrite !== undefined) {
      findings.push(
        findingAt(
          statement,
          "token-header-rewritten-before-validation",
          severity,
          `${describeStatement(rewrite.statement)} removes or rewrites the ${header} header${conditionPhrase(rewrite)} before ${describeStatement(statement)} reads the caller's token from it: the validation does not see the caller's token.`,
          [rewrite.statement],
        ),
      );
    }
    const risky = sending.find((earlier) => canRunBefore(earlier, visit));
    if (risky !== undefined) {
      findings.push(
        findingAt(
          statement,
          "caller-validation-late",
          severity,
          `${describeStatement(statement)} runs after ${describeStatement(risky.statement)}${conditionPhrase(risky)}, which ${risky.statement.role === "answer" || (risky.statement.role === "other" && risky.statement.effect === "answers") ? "can answer the caller" : "sends the request or its data out"} before the caller is validated.`,
          [risky.statement],
        ),
      );
    }
    return findings;
  });
}

/** The header (lower case) a token validation reads, when it reads one named literally. */
export function tokenHeader(statement: PipelineStatement): string | undefined {
  if (statement.role !== "caller-check") return undefined;
  const check = statement.check;
  if (check.kind !== "validate-azure-ad-token" && check.kind !== "validate-jwt") return undefined;
  return check.source?.kind === "header" && check.source.name.kind === "literal"
    ? check.source.name.text.toLowerCase()
    : undefined;
}

/** Whether a statement removes or replaces request header `header` (lower case). */
function writesHeader(statement: PipelineStatement, header: string): boolean {
  if (statement.role === "header") {
    const skip = statement.action.kind === "literal" && statement.action.text === "skip";
    // A header named by an expression may be any header.
    return (
      !skip &&
      (statement.header === null ||
        statement.header.kind !== "literal" ||
        statement.header.text.toLowerCase() === header)
    );
  }
  if (header !== "authorization") return false;
  if (statement.role === "managed-identity") return statement.outputTokenVariable === null;
  return statement.role === "backend-authentication" && statement.kind === "basic";
}

function sendsOrAnswers(visit: Visit): boolean {
  const statement = visit.statement;
  return (
    statement.role === "forward" ||
    statement.role === "answer" ||
    (statement.role === "other" && statement.effect !== undefined)
  );
}
