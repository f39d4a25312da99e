import { describe, expect, it } from "vitest";
import { applyTemplateInputSchema, createTemplateInputSchema } from "./schemas";

const profile = {
  backendAuth: { mode: "none" },
  callerAuth: { mode: "entra", tenantId: "${tenant}", clientApplicationIds: ["${chatApp}"] },
};
const API = "0b6a4f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

describe("profile template inputs", () => {
  it("take a name of letters, digits, spaces, dots, dashes and underscores, trimmed, and a profile with variables", () => {
    const parsed = createTemplateInputSchema.parse({ name: "  Chat apps_v2.eu-1 ", profile });
    expect(parsed).toMatchObject({ name: "Chat apps_v2.eu-1", description: "" });
    expect(parsed.profile.callerAuth).toMatchObject({ tenantId: "${tenant}" });
  });

  it.each(["", "-leading", "a/b", "{{secret}}", "x".repeat(101)])("refuse the name %j", (name) => {
    const result = createTemplateInputSchema.safeParse({ name, profile });
    expect(result.success).toBe(false);
    expect([...new Set(result.error!.issues.map((issue) => issue.path.join(".")))]).toEqual(["name"]);
  });

  it("refuse a profile that is not one, naming the field", () => {
    const result = createTemplateInputSchema.safeParse({ name: "t", profile: { backendAuth: { mode: "none" } } });
    expect(result.error!.issues.map((issue) => issue.path.join("."))).toEqual(["profile.callerAuth"]);
  });

  it("refuse applying to no API or to the same API twice", () => {
    expect(applyTemplateInputSchema.safeParse({ apiIds: [] }).success).toBe(false);
    expect(applyTemplateInputSchema.safeParse({ apiIds: [API, API] }).success).toBe(false);
    expect(applyTemplateInputSchema.parse({ apiIds: [API] })).toEqual({ apiIds: [API] });
  });
});
