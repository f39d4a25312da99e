import { childElements, textContent, type PolicyElement } from "../../../lib/policy";
import { PolicyError, UnsupportedInSandbox } from "../pipeline/gateway-errors";
import { attribute, booleanAttribute, integerAttribute, resolveValue } from "../pipeline/policy-values";
import type { Statement, StatementRun } from "./statement";

/**
 * set-header (set-header-policy.md): in inbound and backend it changes the request to the
 * backend, in outbound and on-error the answer. exists-action: override (default), skip,
 * append, delete. Several values of one header are sent as separate values.
 */
export const setHeader: Statement = async (run) => {
  applySetHeader(run.located.element, run, targetHeaders(run));
  return "continue";
};

export function applySetHeader(element: PolicyElement, run: StatementRun, headers: Map<string, string[]>): void {
  const name = attribute(element, "name", run.exchange, run.runtime)?.toLowerCase();
  if (!name) throw new UnsupportedInSandbox("set-header without name");
  applyExistsAction(element, run, headers, name);
}

/**
 * The `exists-action` of set-header and set-query-parameter on the named entry: override
 * (the default), skip, append or delete, with the statement's `<value>`s.
 */
export function applyExistsAction(
  element: PolicyElement,
  run: StatementRun,
  entries: Map<string, string[]>,
  name: string,
): void {
  const action = attribute(element, "exists-action", run.exchange, run.runtime) ?? "override";
  const values = childElements(element)
    .filter((child) => child.name === "value")
    .map((value) => resolveValue(textContent(value), run.exchange, run.runtime));
  switch (action) {
    case "override":
      entries.set(name, values);
      return;
    case "skip":
      if (!entries.has(name)) entries.set(name, values);
      return;
    case "append":
      entries.set(name, [...(entries.get(name) ?? []), ...values]);
      return;
    case "delete":
      entries.delete(name);
      return;
    default:
      throw new UnsupportedInSandbox(`${element.name} exists-action="${action}"`);
  }
}

/**
 * set-query-parameter (set-query-parameter-policy.md): "adds, replaces value of, or deletes
 * request query string parameter", with the same exists-action as set-header. The backend
 * call carries the query as the statements leave it.
 */
export const setQueryParameter: Statement = async (run) => {
  const { element } = run.located;
  const name = attribute(element, "name", run.exchange, run.runtime);
  if (!name) throw new UnsupportedInSandbox("set-query-parameter without name");
  const params = run.exchange.url.searchParams;
  const entries = new Map<string, string[]>();
  for (const key of new Set(params.keys())) entries.set(key, params.getAll(key));
  applyExistsAction(element, run, entries, name);
  params.delete(name);
  for (const value of entries.get(name) ?? []) params.append(name, value);
  return "continue";
};

function targetHeaders(run: StatementRun): Map<string, string[]> {
  const { section } = run.located;
  if (section === "inbound" || section === "backend") return run.exchange.requestHeaders;
  if (!run.exchange.response) throw new UnsupportedInSandbox("set-header in outbound before there is an answer");
  return run.exchange.response.headers;
}

/**
 * check-header (check-header-policy.md): a missing header fails with HeaderNotFound, a value
 * not among the `<value>`s with HeaderValueNotAllowed; both answer failed-check-httpcode with
 * failed-check-error-message.
 */
export const checkHeader: Statement = async (run) => {
  const { element } = run.located;
  const { exchange, runtime } = run;
  const name = attribute(element, "name", exchange, runtime) ?? "";
  const status = integerAttribute(element, "failed-check-httpcode", exchange, runtime);
  const message = attribute(element, "failed-check-error-message", exchange, runtime);
  if (!name || status === undefined || message === undefined)
    throw new UnsupportedInSandbox("check-header without name, failed-check-httpcode or failed-check-error-message");
  const ignoreCase = booleanAttribute(element, "ignore-case", false, exchange, runtime);
  const present = exchange.requestHeaders.get(name.toLowerCase());
  if (present === undefined || present.length === 0)
    throw new PolicyError("check-header", "HeaderNotFound", { status, message });
  const allowed = childElements(element)
    .filter((child) => child.name === "value")
    .map((value) => resolveValue(textContent(value), exchange, runtime));
  if (allowed.length === 0) return "continue";
  const same = (a: string, b: string) => (ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b);
  const ok = present.some((value) => allowed.some((candidate) => same(value, candidate)));
  if (!ok) throw new PolicyError("check-header", "HeaderValueNotAllowed", { status, message });
  return "continue";
};
