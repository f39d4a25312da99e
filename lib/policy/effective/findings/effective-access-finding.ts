/**
 * A finding: something in the effective pipeline (or in the facts around it) that changes what
 * an access profile means. `blocking` findings make the profile ineffective, so its plan must
 * not be applied; `warning` findings are for a person to weigh.
 */
import type { PolicyScope } from "../effective-input";
import { statementRef, type StatementRef } from "../effective-pipeline";

export type FindingSeverity = "blocking" | "warning";

export interface EffectiveAccessFinding {
  /** Stable kebab-case code, e.g. `caller-validation-skipped`. */
  code: string;
  severity: FindingSeverity;
  /** Where a person should look. */
  scope: PolicyScope;
  line: number;
  column: number;
  fragment?: string;
  /** One sentence a person understands. */
  message: string;
  /** The other statements the finding is about. */
  related: StatementRef[];
}

/** A conclusion the analysis could not reach (a check that found nothing, but could not see everything). */
export interface NotConcluded {
  /** The finding code whose absence could not be concluded. */
  code: string;
  reason: string;
}

export interface EffectiveAccessAnalysis {
  findings: EffectiveAccessFinding[];
  notConcluded: NotConcluded[];
  /** True when any finding is blocking. */
  blocking: boolean;
}

export function findingAt(
  statement: StatementRef,
  code: string,
  severity: FindingSeverity,
  message: string,
  related: readonly StatementRef[] = [],
): EffectiveAccessFinding {
  const { scope, line, column, fragment } = statement;
  return {
    code,
    severity,
    scope,
    line,
    column,
    ...(fragment === undefined ? {} : { fragment }),
    message,
    related: related.map(statementRef),
  };
}
