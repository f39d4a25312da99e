import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "./parse-policy-document";
import { listPolicyReferences } from "./policy-references";

describe("listPolicyReferences", () => {
  it("lists named values in attributes, text and expressions but not comments, and backend ids", () => {
    const text = [
      "<policies>",
      "  <inbound>",
      "    <!-- {{in-comment}} -->",
      '    <set-backend-service backend-id="openai-{{env}}" />',
      '    <set-header name="api-key"><value>{{key}}</value></set-header>',
      '    <set-body>@("x" + "{{in-expression}}")</set-body>',
      '    <set-backend-service backend-id="@(context.Variables["b"])" />',
      '    <azure-openai-semantic-cache-lookup embeddings-backend-id="emb" />',
      "  </inbound>",
      "</policies>",
    ].join("\n");
    const result = parsePolicyDocument(text, "rawxml");
    if (!result.ok) throw new Error(result.error.message);
    const references = listPolicyReferences(result.document);
    expect(
      references.namedValues.map(({ name, element, attribute, line, column }) => ({
        name,
        element,
        attribute,
        line,
        column,
      })),
    ).toEqual([
      { name: "env", element: "set-backend-service", attribute: "backend-id", line: 4, column: 5 },
      { name: "key", element: "value", attribute: undefined, line: 5, column: 32 },
      { name: "in-expression", element: "set-body", attribute: undefined, line: 6, column: 5 },
    ]);
    expect(
      references.backendIds.map(({ backendId, element, isExpression, line }) => ({
        backendId,
        element,
        isExpression,
        line,
      })),
    ).toEqual([
      { backendId: "openai-{{env}}", element: "set-backend-service", isExpression: false, line: 4 },
      { backendId: '@(context.Variables["b"])', element: "set-backend-service", isExpression: true, line: 7 },
      { backendId: "emb", element: "azure-openai-semantic-cache-lookup", isExpression: false, line: 8 },
    ]);
  });
});
