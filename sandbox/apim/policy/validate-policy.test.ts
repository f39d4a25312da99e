import { describe, expect, it } from "vitest";
import { ArmError, type ArmErrorDetail } from "../arm/arm-error";
import { validatePolicy, type PolicyLookups } from "./validate-policy";

const lookups: PolicyLookups = {
  namedValueExists: (name) => ["aoai-key", "tenant-id"].includes(name.toLowerCase()),
  backendExists: (id) => id.toLowerCase() === "aoai",
};

function rejection(
  value: string,
  format: "xml" | "rawxml" = "xml",
): { status: number; details: ArmErrorDetail[] | null | undefined } {
  try {
    validatePolicy(value, format, lookups);
  } catch (error) {
    if (error instanceof ArmError) return { status: error.status, details: error.body().error.details };
    throw error;
  }
  throw new Error("expected the policy to be rejected");
}

const rawExpression = `<policies>
  <inbound>
    <set-variable name="m" value="@(context.Request.Method == "POST" && true)" />
  </inbound>
</policies>`;

describe("policy validation at PUT", () => {
  it("accepts raw C# in expressions for rawxml and refuses it for xml, pointing at line and position", () => {
    expect(validatePolicy(rawExpression, "rawxml", lookups).rawxml).toContain(
      `value="@(context.Request.Method == "POST" && true)"`,
    );
    const { status, details } = rejection(rawExpression, "xml");
    expect(status).toBe(400);
    expect(details).toEqual([
      { code: "ValidationError", target: "representation", message: expect.stringMatching(/ Line 3, position \d+\.$/) },
    ]);
  });

  it("refuses a {{named value}} that does not exist, naming the element, line and column", () => {
    const policy = `<policies>\n  <inbound>\n    <set-header name="api-key" exists-action="override">\n      <value>{{missing-key}}</value>\n    </set-header>\n  </inbound>\n</policies>`;
    expect(rejection(policy)).toEqual({
      status: 400,
      details: [
        {
          code: "ValidationError",
          target: "value",
          message: "Error in element 'value' on line 4, column 8: Property 'missing-key' not found.",
        },
      ],
    });
  });

  it("refuses a backend-id that does not exist and reports only the first problem", () => {
    const policy = `<policies>\n  <inbound>\n    <set-backend-service backend-id="nope" />\n    <set-header name="x"><value>{{missing}}</value></set-header>\n  </inbound>\n</policies>`;
    expect(rejection(policy)).toEqual({
      status: 400,
      details: [
        {
          code: "ValidationError",
          target: "set-backend-service",
          message:
            "Error in element 'set-backend-service' on line 3, column 6: Backend with id 'nope' could not be found.",
        },
      ],
    });
  });

  it("does not check backend ids computed by expressions or built from named values", () => {
    const policy = `<policies><inbound><set-backend-service backend-id="@((string)context.Variables[&quot;b&quot;])" /><set-backend-service backend-id="ECHO_{{tenant-id}}" /></inbound></policies>`;
    expect(validatePolicy(policy, "xml", lookups).backendRefs).toEqual(["ECHO_{{tenant-id}}"]);
  });

  it("returns both serialisations and the references, each once, named values matched case-insensitively", () => {
    const policy = `<policies><inbound><validate-azure-ad-token tenant-id="{{Tenant-Id}}"><client-application-ids><application-id>{{tenant-id}}</application-id></client-application-ids></validate-azure-ad-token><set-backend-service backend-id="aoai" /><set-header name="api-key"><value>{{aoai-key}}</value></set-header></inbound></policies>`;
    const validated = validatePolicy(policy, "xml", lookups);
    expect(validated.namedValueRefs).toEqual(["tenant-id", "aoai-key"]);
    expect(validated.backendRefs).toEqual(["aoai"]);
    expect(validated.xml.startsWith("<policies>\r\n  <inbound>\r\n")).toBe(true);
  });

  it("checks the references of a text PUT again against the state of each PUT", () => {
    const xml = `<policies><inbound><set-backend-service backend-id="aoai" /><set-header name="k" exists-action="override"><value>{{aoai-key}}</value></set-header></inbound></policies>`;
    const first = validatePolicy(xml, "xml", lookups);
    expect(validatePolicy(xml, "xml", lookups)).toEqual(first);
    expect(() => validatePolicy(xml, "xml", { ...lookups, namedValueExists: () => false })).toThrow(ArmError);
    expect(() => validatePolicy(xml, "xml", { ...lookups, backendExists: () => false })).toThrow(ArmError);
    expect(validatePolicy(xml, "xml", lookups)).toEqual(first);
  });
});
