import { attributeValue } from "../../../lib/policy";
import { UnsupportedInSandbox } from "../pipeline/gateway-errors";
import { typedValue } from "../pipeline/policy-values";
import type { Statement } from "./statement";

/**
 * set-variable (set-variable-policy.md): "declares a context variable and assigns it a value
 * specified via an expression or a string literal". An expression keeps the type of its
 * result (a bool stays a bool for a later `(bool)context.Variables["…"]`); a literal is a string.
 */
export const setVariable: Statement = async (run) => {
  const { element } = run.located;
  const name = attributeValue(element, "name");
  const value = attributeValue(element, "value");
  if (!name || value === undefined) throw new UnsupportedInSandbox("set-variable without name or value");
  run.exchange.variables.set(name, typedValue(value, run.exchange, run.runtime));
  return "continue";
};
