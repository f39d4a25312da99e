/**
 * Who can call at all: nobody is checked and no subscription is needed (anyone who reaches the
 * gateway), or two validations that no token can both pass (nobody).
 */
import type { AccessFacts } from "../effective-input";
import { describeStatement, type EffectivePipeline, type PipelineStatement } from "../effective-pipeline";
import { entraIssuers } from "../what-if/entra-issuers";
import { unconditional, walkPipeline } from "../walk-pipeline";
import { findingAt, type EffectiveAccessFinding, type NotConcluded } from "./effective-access-finding";

export function anyoneCanCallFindings(
  pipeline: EffectivePipeline,
  facts: AccessFacts,
  notConcluded: NotConcluded[],
): EffectiveAccessFinding[] {
  const visits = walkPipeline(pipeline, ["inbound"]);
  const checks = visits.filter((visit) => visit.statement.role === "caller-check");
  if (checks.some(unconditional)) return [];
  if (facts.subscriptionRequired === undefined) {
    notConcluded.push({
      code: "anyone-can-call",
      reason: "whether a call needs a subscription key was not given, and no statement checks every caller",
    });
    return [];
  }
  if (facts.subscriptionRequired) return [];
  const where = { element: "inbound", scope: "api" as const, line: 1, column: 1 };
  if (checks.length === 0) {
    return [
      findingAt(
        where,
        "anyone-can-call",
        "warning",
        "No statement checks the caller and calls need no subscription key: anyone who can reach the gateway can call this API.",
      ),
    ];
  }
  const statements = checks.map((visit) => visit.statement);
  return [
    findingAt(
      where,
      "anyone-can-call",
      "warning",
      `Calls need no subscription key and the caller is checked only under conditions (${statements.map(describeStatement).join(", ")}): a call for which they do not hold reaches the backend unchecked.`,
      statements,
    ),
  ];
}

export function conflictingValidationFindings(pipeline: EffectivePipeline): EffectiveAccessFinding[] {
  const validations = walkPipeline(pipeline, ["inbound"])
    .filter(unconditional)
    .map((visit) => visit.statement)
    .flatMap((statement) => {
      const accepted = acceptedIssuers(statement);
      return accepted === undefined ? [] : [{ statement, ...accepted }];
    });
  const findings: EffectiveAccessFinding[] = [];
  validations.forEach((later, index) => {
    const earlier = validations
      .slice(0, index)
      .find((candidate) => candidate.source === later.source && disjoint(candidate.issuers, later.issuers));
    if (earlier === undefined) return;
    findings.push(
      findingAt(
        later.statement,
        "conflicting-caller-validations",
        earlier.statement.managed || later.statement.managed ? "blocking" : "warning",
        `${describeStatement(earlier.statement)} accepts only tokens ${earlier.describe} and ${describeStatement(later.statement)} only tokens ${later.describe}: no token passes both, so every call is refused.`,
        [earlier.statement],
      ),
    );
  });
  return findings;
}

interface AcceptedIssuers {
  /** Where the token is read (both must read the same token to conflict). */
  source: string;
  issuers: string[];
  describe: string;
}

/** The issuers a token validation accepts, when its settings say so literally. */
function acceptedIssuers(statement: PipelineStatement): AcceptedIssuers | undefined {
  if (statement.role !== "caller-check") return undefined;
  const check = statement.check;
  if (check.kind !== "validate-azure-ad-token" && check.kind !== "validate-jwt") return undefined;
  if (check.source === null || check.source.kind === "token-value" || check.source.name.kind !== "literal")
    return undefined;
  const source = `${check.source.kind}:${check.source.name.text.toLowerCase()}`;
  if (check.kind === "validate-azure-ad-token") {
    if (check.tenantId?.kind !== "literal" || check.authenticationEndpoint !== null) return undefined;
    const issuers = entraIssuers(check.tenantId.text);
    return issuers === undefined ? undefined : { source, issuers, describe: `issued by tenant ${check.tenantId.text}` };
  }
  if (
    check.issuers === null ||
    check.openIdConfigUrls.length > 0 ||
    check.issuers.some((issuer) => issuer.kind !== "literal")
  )
    return undefined;
  const issuers = check.issuers.map((issuer) => issuer.text);
  return { source, issuers, describe: `from issuer${issuers.length === 1 ? "" : "s"} ${issuers.join(", ")}` };
}

function disjoint(a: readonly string[], b: readonly string[]): boolean {
  return !a.some((issuer) => b.includes(issuer));
}
