import { attributeValue, childElements, textContent } from "../../../lib/policy";
import { UnsupportedInSandbox } from "../pipeline/gateway-errors";
import { attribute, integerAttribute, resolveValue } from "../pipeline/policy-values";
import { applySetHeader } from "./header-statements";
import type { Statement } from "./statement";

/**
 * return-response (return-response-policy.md): "aborts pipeline execution and returns either
 * a default or custom response to the caller" — 200 with no body unless set-status,
 * set-header and set-body say otherwise. response-variable-name is not simulated.
 */
export const returnResponse: Statement = async (run) => {
  const { element } = run.located;
  const { exchange, runtime } = run;
  if (attributeValue(element, "response-variable-name") !== undefined)
    throw new UnsupportedInSandbox("return-response response-variable-name");
  const response = { status: 200, headers: new Map<string, string[]>(), body: Buffer.alloc(0) };
  for (const child of childElements(element)) {
    if (child.name === "set-status") {
      response.status = integerAttribute(child, "code", exchange, runtime) ?? 200;
    } else if (child.name === "set-header") {
      applySetHeader(child, run, response.headers);
    } else if (child.name === "set-body") {
      if (attributeValue(child, "template") !== undefined) throw new UnsupportedInSandbox("set-body template");
      response.body = Buffer.from(resolveValue(textContent(child), exchange, runtime));
    } else {
      throw new UnsupportedInSandbox(`return-response <${child.name}>`);
    }
  }
  exchange.response = response;
  return "return";
};

/**
 * choose (choose-policy.md): the first `when` whose condition is true runs, else `otherwise`.
 * A condition must evaluate to a bool; one the sandbox cannot evaluate answers 500.
 */
export const choose: Statement = async (run) => {
  for (const branch of childElements(run.located.element)) {
    if (branch.name === "otherwise") return run.runChildren(childElements(branch));
    if (branch.name !== "when") throw new UnsupportedInSandbox(`choose <${branch.name}>`);
    const condition = attributeValue(branch, "condition");
    if (condition === undefined) throw new UnsupportedInSandbox("when without condition");
    const value = attribute(branch, "condition", run.exchange, run.runtime)?.trim().toLowerCase();
    if (value !== "true" && value !== "false")
      throw new UnsupportedInSandbox(`when condition="${condition}" (not a bool)`);
    if (value === "true") return run.runChildren(childElements(branch));
  }
  return "continue";
};
