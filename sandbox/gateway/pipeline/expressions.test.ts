import { describe, expect, it } from "vitest";
import { evaluateExpression, type ExpressionContext } from "./expressions";
import { UnsupportedInSandbox } from "./gateway-errors";

function context(overrides: Partial<ExpressionContext> = {}): ExpressionContext {
  const headers: Record<string, string> = { "x-mode": "teapot", authorization: "Bearer abc" };
  return {
    requestId: "5f0b7e8c-1d2a-4c3b-9e8f-0a1b2c3d4e5f",
    variables: new Map<string, unknown>([
      ["caller", "app-1"],
      ["flag", true],
      ["count", 3],
    ]),
    requestHeader: (name) => headers[name.toLowerCase()],
    request: {
      method: "POST",
      ipAddress: "127.0.0.1",
      path: "/models/chat/completions",
      matchedParameters: new Map([["deployment-id", "gpt-4o"]]),
    },
    api: { id: "foundry-models", name: "Foundry Models" },
    operation: { id: "chat", name: "Chat completions" },
    subscription: null,
    product: { id: "llm-standard", name: "LLM Standard" },
    lastError: null,
    ...overrides,
  };
}

const evaluate = (text: string, overrides?: Partial<ExpressionContext>) => evaluateExpression(text, context(overrides));

describe("the policy expression evaluator", () => {
  it("evaluates literals, string concatenation, comparisons and logic", () => {
    expect(evaluate('@("a" + "b" + "c")')).toBe("abc");
    expect(evaluate('@("x" == "x" && !("x" != "x"))')).toBe(true);
    expect(evaluate("@(true || false)")).toBe(true);
    expect(evaluate('@(null ?? "fallback")')).toBe("fallback");
    expect(evaluate('@("tab\\tnewline\\n")')).toBe("tab\tnewline\n");
  });

  it("reads request headers, variables and matched parameters with their defaults", () => {
    expect(evaluate('@(context.Request.Headers.GetValueOrDefault("X-Mode", ""))')).toBe("teapot");
    expect(evaluate('@(context.Request.Headers.GetValueOrDefault("x-missing", "none"))')).toBe("none");
    expect(evaluate('@((string)context.Variables["caller"])')).toBe("app-1");
    expect(evaluate('@(context.Variables.GetValueOrDefault<int>("count", 0))')).toBe(3);
    expect(evaluate('@(context.Variables.GetValueOrDefault<int>("absent", 7))')).toBe(7);
    expect(evaluate('@(context.Variables.ContainsKey("flag"))')).toBe(true);
    expect(evaluate('@(context.Request.MatchedParameters["deployment-id"])')).toBe("gpt-4o");
  });

  it("reads the call's context: request, API, operation, product, subscription and request id", () => {
    expect(evaluate("@(context.Request.Method)")).toBe("POST");
    expect(evaluate("@(context.Request.IpAddress)")).toBe("127.0.0.1");
    expect(evaluate('@(context.Api.Name + "/" + context.Operation.Id)')).toBe("Foundry Models/chat");
    expect(evaluate("@(context.Product.Name)")).toBe("LLM Standard");
    expect(evaluate('@(context.Subscription?.Id ?? "none")')).toBe("none");
    expect(evaluate("@(context.RequestId.ToString())")).toBe("5f0b7e8c-1d2a-4c3b-9e8f-0a1b2c3d4e5f");
    expect(evaluate("@(context.Api.Id.ToUpper())")).toBe("FOUNDRY-MODELS");
  });

  it("reads context.LastError in on-error", () => {
    const lastError = {
      source: "configuration",
      reason: "OperationNotFound",
      message: "m",
      scope: "",
      section: "inbound",
    };
    expect(evaluate('@(context.LastError.Reason == "OperationNotFound")', { lastError })).toBe(true);
    expect(evaluate("@(context.LastError.Source)", { lastError })).toBe("configuration");
    expect(evaluate("@(context.LastError == null)")).toBe(true);
  });

  it("refuses what it cannot evaluate faithfully instead of guessing", () => {
    const refused = [
      '@{ return "x"; }',
      "@(DateTime.UtcNow)",
      "@(context.Request.Body.As<string>())",
      '@(context.Variables["absent"])',
      "@(1 + 2)",
      '@((bool)context.Variables["caller"])',
      '@("a" == "a" && "b")',
      '@("unterminated)',
      "@(context.Request.Method $ 1)",
    ];
    for (const text of refused) expect(() => evaluate(text), text).toThrow(UnsupportedInSandbox);
  });
});
