import { describe, expect, it } from "vitest";
import { accessProfileSchema, writtenProfileSchema } from "./profile-schema";
import { resolveProfileVariables, variableReferences, variableValueIssue } from "./profile-variables";
import { formatZodIssues } from "../validation";

const written = {
  backendAuth: {
    mode: "apiKey",
    delivery: "backend",
    namedValue: "${keyName}",
    headerName: "api-key",
    backendId: "openai",
    backendUrl: "https://${backendHost}/openai",
  },
  callerAuth: {
    mode: "entra",
    tenantId: "${tenant}",
    clientApplicationIds: ["${chatApp}", "11111111-1111-1111-1111-111111111111"],
    audiences: ["${audience}"],
  },
};

const values = {
  keyName: "openai-key-prod",
  backendHost: "prod.openai.azure.com",
  tenant: "contoso.onmicrosoft.com",
  chatApp: "22222222-2222-2222-2222-222222222222",
  audience: "api://llm-prod",
};

describe("profile variables", () => {
  it("accepts variables in free-text fields as written, and refuses the same profile as a concrete one", () => {
    expect(writtenProfileSchema.safeParse(written).success).toBe(true);
    const concrete = accessProfileSchema.safeParse(written);
    expect(concrete.success).toBe(false);
  });

  it("still checks fields without variables when written", () => {
    const bad = { ...written, callerAuth: { ...written.callerAuth, clientApplicationIds: ["not-a-guid"] } };
    const result = writtenProfileSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(formatZodIssues(result.error!)).toEqual([
      { path: "callerAuth.clientApplicationIds[0]", message: expect.stringContaining("must be a GUID") },
    ]);
  });

  it("refuses malformed references naming the field", () => {
    const bad = { ...written, callerAuth: { ...written.callerAuth, tenantId: "${1tenant}" } };
    const result = writtenProfileSchema.safeParse(bad);
    expect(formatZodIssues(result.error!)[0]?.path).toBe("callerAuth.tenantId");
    expect(variableReferences("${tenant")).toEqual({ issue: 'has a "${" without its closing "}"' });
  });

  it("resolves every variable, and the result is a valid profile", () => {
    const resolution = resolveProfileVariables(written, values);
    expect(resolution.ok).toBe(true);
    if (!resolution.ok) return;
    const profile = accessProfileSchema.parse(resolution.profile);
    expect(profile.backendAuth).toMatchObject({
      namedValue: "openai-key-prod",
      backendUrl: "https://prod.openai.azure.com/openai",
    });
    expect(resolution.used).toEqual(["audience", "backendHost", "chatApp", "keyName", "tenant"]);
  });

  it("names each missing variable with the fields that use it", () => {
    const { tenant: _tenant, audience: _audience, ...partial } = values;
    expect(resolveProfileVariables(written, partial)).toEqual({
      ok: false,
      missing: [
        { name: "audience", paths: ["callerAuth.audiences[0]"] },
        { name: "tenant", paths: ["callerAuth.tenantId"] },
      ],
    });
  });

  it("does not let a resolved value become a policy expression or a named value reference", () => {
    for (const hostile of ["@(context.Request.Body)", "{{secret-key}}"]) {
      const resolution = resolveProfileVariables(written, { ...values, audience: hostile });
      expect(resolution.ok && accessProfileSchema.safeParse(resolution.profile).success).toBe(false);
    }
  });

  it("refuses variable values that look like keys, and allows names and identifiers", () => {
    expect(variableValueIssue("8f2d1c0b9a7e4f6d8c2b1a0e9f7d6c5b")).toMatch(/looks like a key/);
    expect(variableValueIssue("openai-key-production-eastus2-2024-primary")).toBeNull();
    expect(variableValueIssue("22222222-2222-2222-2222-222222222222")).toBeNull();
    expect(variableValueIssue("https://kv.vault.azure.net/secrets/openai-key")).toBeNull();
    expect(variableValueIssue("${other}")).toMatch(/another variable/);
  });
});
