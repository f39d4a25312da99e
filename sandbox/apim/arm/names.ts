import { fieldError } from "./apim-errors";

/**
 * Naming rules from 04-limits-and-naming.md (the 2022-08-01 spec parameters, confirmed in
 * the SDK v10 mappers). The spec gives backendId and operationId only a length; the
 * simulator applies APIM's usual identifier character rule to them as well (an assumption,
 * noted in README.md).
 */
export interface NameRule {
  readonly minLength: number;
  readonly maxLength: number;
  readonly pattern: RegExp;
  /** How the rule reads in an error message. */
  readonly describe: string;
}

/** An APIM identifier of 1 to `maxLength` characters, none of `* # & + : < > ?`. */
function identifierRule(maxLength: number): NameRule {
  return {
    minLength: 1,
    maxLength,
    pattern: /^[^*#&+:<>?]+$/,
    describe: "must not contain any of * # & + : < > ?",
  };
}

export const namedValueIdRule = identifierRule(256);
export const apiIdRule = identifierRule(256);
export const backendIdRule = identifierRule(80);
export const productIdRule = identifierRule(256);
export const operationIdRule = identifierRule(80);
export const subscriptionIdRule = identifierRule(256);
/** What `{{…}}` references: "only letters, digits, period, dash, and underscore". */
export const namedValueDisplayNameRule: NameRule = {
  minLength: 1,
  maxLength: 256,
  pattern: /^[A-Za-z0-9-._]+$/,
  describe: "may contain only letters, digits, period, dash, and underscore",
};

/** The reason `value` breaks `rule`, or undefined when it is fine. Wording is invented. */
export function nameViolation(value: string, rule: NameRule): string | undefined {
  if (value.length < rule.minLength || value.length > rule.maxLength) {
    return `'${value}' must be between ${rule.minLength} and ${rule.maxLength} characters long.`;
  }
  if (!rule.pattern.test(value)) return `'${value}' is not valid: it ${rule.describe}.`;
  return undefined;
}

/** Rejects a path identifier with 400; APIM reports identifiers under the target `name`. */
export function checkIdentifier(value: string, rule: NameRule): void {
  const violation = nameViolation(value, rule);
  if (violation !== undefined) throw fieldError("name", violation);
}
