import type { PolicyElement } from "../document/policy-document";

export type LintSeverity = "error" | "warning";

export interface LintFinding {
  /** Stable kebab-case rule code, e.g. `caller-validation-without-backend-auth`. */
  code: string;
  severity: LintSeverity;
  message: string;
  line: number;
  column: number;
}

export function findingAt(element: PolicyElement, code: string, severity: LintSeverity, message: string): LintFinding {
  return { code, severity, message, line: element.start.line, column: element.start.column };
}
