import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { resolveEntraConfig } from "./entra-config";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0f8fad5b-d9cb-469f-a165-70867728950e";
const base = { tenantId: TENANT, clientId: CLIENT, clientSecret: "s3cret" };

function configError(input: Parameters<typeof resolveEntraConfig>[0]): AppError {
  try {
    resolveEntraConfig(input);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("resolveEntraConfig for Entra ID", () => {
  const config = resolveEntraConfig(base);

  it("defaults to the public cloud and a single-tenant authority", () => {
    expect(config.authorityHost).toBe("https://login.microsoftonline.com");
    expect(config.authority).toBe(`https://login.microsoftonline.com/${TENANT}`);
    expect(config.isMicrosoftHost).toBe(true);
  });

  it("accepts the tenant's v2.0 and v1.0 issuers and nothing else", () => {
    expect(config.acceptedIssuers).toEqual([
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      `https://sts.windows.net/${TENANT}/`,
    ]);
  });

  it("accepts the App ID URI (default api://{clientId}) and the client id as audiences", () => {
    expect(config.apiAudience).toBe(`api://${CLIENT}`);
    expect(config.acceptedAudiences).toEqual([`api://${CLIENT}`, CLIENT]);
  });

  it("points at the tenant's v2.0 discovery document", () => {
    expect(config.openIdConfigurationUrl).toBe(
      `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
    );
  });

  it("treats a national cloud as Microsoft's but trusts no sts.windows.net issuer there", () => {
    const us = resolveEntraConfig({ ...base, authorityHost: "https://login.microsoftonline.us" });
    expect(us.isMicrosoftHost).toBe(true);
    expect(us.acceptedIssuers).toEqual([`https://login.microsoftonline.us/${TENANT}/v2.0`]);
  });

  it("normalises GUID case, since Entra's tid and aud claims are lower case", () => {
    const upper = resolveEntraConfig({ ...base, tenantId: TENANT.toUpperCase(), clientId: CLIENT.toUpperCase() });
    expect(upper.tenantId).toBe(TENANT);
    expect(upper.acceptedAudiences).toContain(CLIENT);
  });
});

describe("resolveEntraConfig for the sandbox", () => {
  const config = resolveEntraConfig({
    ...base,
    authorityHost: "https://localhost:8443/",
    apiAudience: "api://portcullis-sandbox",
  });

  it("uses the sandbox host, without a trailing slash", () => {
    expect(config.authority).toBe(`https://localhost:8443/${TENANT}`);
    expect(config.isMicrosoftHost).toBe(false);
  });

  it("accepts only the sandbox's v2.0 issuer: no Microsoft issuer for a foreign host", () => {
    expect(config.acceptedIssuers).toEqual([`https://localhost:8443/${TENANT}/v2.0`]);
  });

  it("uses the given App ID URI", () => {
    expect(config.acceptedAudiences).toEqual(["api://portcullis-sandbox", CLIENT]);
  });
});

describe("resolveEntraConfig refuses bad coordinates, naming the field", () => {
  it.each([
    [{ ...base, tenantId: "contoso.onmicrosoft.com" }, "tenantId"],
    [{ ...base, tenantId: "common" }, "tenantId"],
    [{ ...base, clientId: "portcullis" }, "clientId"],
    [{ ...base, clientSecret: "" }, "clientSecret"],
    [{ ...base, authorityHost: "http://localhost:8443" }, "authorityHost"],
    [{ ...base, authorityHost: `https://login.microsoftonline.com/${TENANT}` }, "authorityHost"],
    [{ ...base, apiAudience: " " }, "apiAudience"],
  ])("%o → %s", (input, field) => {
    const error = configError(input);
    expect(error.code).toBe("config");
    expect(error.fields.map((f) => f.path)).toEqual([field]);
  });

  it("never repeats the client secret in the error", () => {
    const error = configError({ ...base, clientSecret: "do-not-echo", tenantId: "nope" });
    expect(JSON.stringify({ message: error.message, fields: error.fields })).not.toContain("do-not-echo");
  });
});
