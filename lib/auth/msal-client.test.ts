import { describe, expect, it } from "vitest";
import { resolveEntraConfig } from "./entra-config";
import { msalConfiguration } from "./msal-client";

const base = {
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientId: "0f8fad5b-d9cb-469f-a165-70867728950e",
  clientSecret: "s3cret",
};

describe("msalConfiguration", () => {
  it("leaves MSAL's defaults (metadata, instance discovery) in place for Entra ID", () => {
    expect(msalConfiguration(resolveEntraConfig(base))).toEqual({
      auth: {
        clientId: base.clientId,
        clientSecret: base.clientSecret,
        authority: `https://login.microsoftonline.com/${base.tenantId}`,
      },
    });
  });

  it("declares any other host (the sandbox) a known authority, by host and port", () => {
    const config = resolveEntraConfig({ ...base, authorityHost: "https://localhost:8443" });
    expect(msalConfiguration(config).auth).toMatchObject({
      authority: `https://localhost:8443/${base.tenantId}`,
      knownAuthorities: ["localhost:8443"],
    });
  });
});
