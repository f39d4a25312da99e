/**
 * Turns the statements of one section (of one scope's document, or of a fragment it includes)
 * into pipeline statements: what each one does to caller access and to the backend call, with
 * control flow kept as branches with their conditions. Only `choose` and the statements that run
 * their children as part of the pipeline (retry, wait, limit-concurrency) are descended into;
 * what a send-request or return-response holds acts on another message, not on this request.
 */
import { childElements, type PolicyElement } from "../document/policy-document";
import { sendsOrAnswers } from "../lint/statement-kinds";
import { variableOfBearerExpression } from "../render/managed-identity-token";
import type { PolicyScope } from "./effective-input";
import type { Branch, HeaderValue, PipelineStatement, StatementBase, StatementFields } from "./effective-pipeline";
import { CALLER_CHECK_ELEMENTS, classifyCallerCheck } from "./classify-caller-check";
import { attributeOf, plainAttribute, textOf } from "./policy-value";

export interface ClassifyContext {
  scope: PolicyScope;
  /** The elements that stand directly inside a Portcullis block of the document. */
  managedRoots: ReadonlySet<PolicyElement>;
  fragment?: string;
  /** Header names (lower case) whose value is a backend credential. */
  credentialHeaders: ReadonlySet<string>;
  /** The statements an include-fragment stands for (its fragment's, or an undetermined one). */
  includeFragment(element: PolicyElement, managed: boolean): PipelineStatement[];
}

const CONTAINERS = ["retry", "wait", "limit-concurrency"];

export function classifyStatements(
  elements: readonly PolicyElement[],
  context: ClassifyContext,
  managed = false,
): PipelineStatement[] {
  const statements: PipelineStatement[] = [];
  for (const element of elements) classifyStatement(element, context, managed, statements);
  return statements;
}

function classifyStatement(
  element: PolicyElement,
  context: ClassifyContext,
  insideManaged: boolean,
  out: PipelineStatement[],
): void {
  const managed = insideManaged || context.managedRoots.has(element);
  const add = (fields: StatementFields) => out.push(statementAt(element, context, managed, fields));
  const name = element.name;
  if (name === "include-fragment") out.push(...context.includeFragment(element, managed));
  else if (name === "base")
    add({
      role: "undetermined",
      reason:
        "<base /> stands inside another statement; the documentation places it directly in a section, so where the broader scopes' statements run is undetermined",
      possibly: [],
    });
  else if (CALLER_CHECK_ELEMENTS.includes(name)) add({ role: "caller-check", check: classifyCallerCheck(element) });
  else if (name === "return-response") add({ role: "answer", status: returnedStatus(element) });
  else if (name === "mock-response") add({ role: "answer", status: attributeOf(element, "status-code") });
  else if (name === "set-header") {
    const header = attributeOf(element, "name");
    add({
      role: "header",
      header,
      // exists-action defaults to override.
      action: attributeOf(element, "exists-action") ?? { text: "override", kind: "literal" },
      values: childElements(element)
        .filter((child) => child.name === "value")
        .map(headerValue),
      credential: header !== null && context.credentialHeaders.has(header.text.toLowerCase()),
    });
  } else if (name === "authentication-managed-identity")
    add({
      role: "managed-identity",
      resource: attributeOf(element, "resource"),
      clientId: attributeOf(element, "client-id"),
      outputTokenVariable: plainAttribute(element, "output-token-variable-name"),
      ignoreError: attributeOf(element, "ignore-error"),
    });
  else if (name === "authentication-basic" || name === "authentication-certificate")
    add({ role: "backend-authentication", kind: name === "authentication-basic" ? "basic" : "certificate" });
  else if (name === "set-backend-service")
    add({
      role: "backend-target",
      backendId: attributeOf(element, "backend-id"),
      baseUrl: attributeOf(element, "base-url"),
    });
  else if (name === "forward-request") add({ role: "forward" });
  else if (name === "choose") add({ role: "choose", branches: branches(element, context, managed) });
  else if (CONTAINERS.includes(name))
    add({ role: "container", statements: classifyStatements(childElements(element), context, managed) });
  else {
    const effect = sendsOrAnswers(name);
    add(
      effect === undefined
        ? { role: "other" }
        : { role: "other", effect: effect === "sends" ? "calls-out" : "answers" },
    );
  }
}

/**
 * A statement at `element`. Object.assign rather than a spread: V8 copies object spreads slowly,
 * and a pipeline near the size limit holds thousands of statements.
 */
function statementAt(
  element: PolicyElement,
  context: ClassifyContext,
  managed: boolean,
  fields: StatementFields,
): PipelineStatement {
  const base: StatementBase = {
    element: element.name,
    scope: context.scope,
    line: element.start.line,
    column: element.start.column,
    managed,
  };
  if (context.fragment !== undefined) base.fragment = context.fragment;
  return Object.assign(base, fields) as PipelineStatement;
}

function branches(choose: PolicyElement, context: ClassifyContext, managed: boolean): Branch[] {
  return childElements(choose)
    .filter((branch) => branch.name === "when" || branch.name === "otherwise")
    .map((branch) => {
      const condition = attributeOf(branch, "condition");
      return {
        condition:
          branch.name === "otherwise"
            ? null
            : { ...(condition ?? { text: "", kind: "literal" }), line: branch.start.line, column: branch.start.column },
        statements: classifyStatements(childElements(branch), context, managed),
      };
    });
}

function returnedStatus(returnResponse: PolicyElement) {
  const status = childElements(returnResponse).find((child) => child.name === "set-status");
  // "Default response is 200 OK with no body."
  return status === undefined ? { text: "200", kind: "literal" as const } : attributeOf(status, "code");
}

function headerValue(value: PolicyElement): HeaderValue {
  const read = textOf(value);
  const variable = read.kind === "expression" ? variableOfBearerExpression(read.text) : undefined;
  return variable === undefined ? read : { ...read, bearerOfVariable: variable };
}
