import { describe, expect, it } from "vitest";
import { validateInput } from "../validation";
import { createSecretBodySchema, secretNameSchema, secretValueSchema } from "./schemas";

const issues = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  result.error?.issues.map((issue) => [issue.path.join("."), issue.message]) ?? [];

describe("secret input rules", () => {
  it("limits values to 4096 UTF-16 code units, as APIM counts, not code points", () => {
    expect(secretValueSchema.safeParse("x".repeat(4096)).success).toBe(true);
    expect(issues(secretValueSchema.safeParse(`${"x".repeat(4095)}😀`))).toEqual([
      ["", "must be at most 4096 characters (UTF-16 code units, as APIM counts them)"],
    ]);
    expect(issues(secretValueSchema.safeParse("x".repeat(5000)))).toHaveLength(1);
  });

  it("says one thing about an empty value and rejects whitespace-only ones", () => {
    expect(issues(secretValueSchema.safeParse(""))).toEqual([["", "must not be empty"]]);
    expect(issues(secretValueSchema.safeParse(" \t\u00a0\n"))).toEqual([["", "must not consist only of whitespace"]]);
    expect(secretValueSchema.safeParse(" padded ").success).toBe(true);
  });

  it("takes values over several lines (a PEM certificate), but no control characters, as every input", () => {
    const pem = "-----BEGIN CERTIFICATE-----\r\nMIIB\tx\n-----END CERTIFICATE-----";
    expect(validateInput(createSecretBodySchema, { name: "cert", value: pem })).toMatchObject({ success: true });
    expect(validateInput(createSecretBodySchema, { name: "nul", value: "sk-\u0000" })).toMatchObject({
      success: false,
      fields: [{ path: "value" }],
    });
    expect(validateInput(createSecretBodySchema, { name: "a\nb", value: "v" })).toMatchObject({
      success: false,
      fields: [{ path: "name" }],
    });
  });

  it("accepts APIM display names only", () => {
    expect(secretNameSchema.safeParse("Azure_OpenAI-key.v2").success).toBe(true);
    for (const name of ["", "with space", "{{ref}}", "ключ", "n".repeat(257), ".", "..", "..."])
      expect(secretNameSchema.safeParse(name).success).toBe(false);
  });

  it("names the offending field of a request body, once", () => {
    expect(issues(createSecretBodySchema.safeParse({ name: "", value: "v" }))).toEqual([["name", "must not be empty"]]);
    expect(issues(createSecretBodySchema.safeParse({ name: "ok", value: "" }))).toEqual([
      ["value", "must not be empty"],
    ]);
    expect(issues(createSecretBodySchema.safeParse({ name: "ok", value: "x".repeat(5000) }))).toEqual([
      ["value", "must be at most 4096 characters (UTF-16 code units, as APIM counts them)"],
    ]);
  });

  it("takes a typed value or a Key Vault reference, never both, naming the fields when it is neither", () => {
    const kv = { secretIdentifier: "https://contoso.vault.azure.net/secrets/key" };
    expect(createSecretBodySchema.safeParse({ name: "a", value: "v" }).success).toBe(true);
    expect(createSecretBodySchema.safeParse({ name: "a", keyVault: kv }).success).toBe(true);
    for (const body of [{ name: "a" }, { name: "a", value: "v", keyVault: kv }]) {
      expect(issues(createSecretBodySchema.safeParse(body))).toEqual([
        ["", "must have a name and either value (a typed secret) or keyVault (a Key Vault reference), not both"],
      ]);
    }
  });
});
