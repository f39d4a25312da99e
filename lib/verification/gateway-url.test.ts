import { describe, expect, it } from "vitest";
import { checkGatewayUrl } from "./gateway-url";

describe("checkGatewayUrl", () => {
  it("takes an APIM gateway host (with a path for a self-hosted gateway's prefix), without a trailing slash", () => {
    expect(checkGatewayUrl("https://contoso.azure-api.net/", [])).toEqual({
      ok: true,
      url: "https://contoso.azure-api.net",
    });
    expect(checkGatewayUrl("https://eu.contoso.azure-api.us/gw/", [])).toEqual({
      ok: true,
      url: "https://eu.contoso.azure-api.us/gw",
    });
    expect(checkGatewayUrl("https://CONTOSO.azure-api.cn", [])).toMatchObject({ ok: true });
  });

  it("takes an origin the server allows, and only that origin", () => {
    expect(checkGatewayUrl("https://api.contoso.com/llm", ["https://api.contoso.com"])).toEqual({
      ok: true,
      url: "https://api.contoso.com/llm",
    });
    expect(checkGatewayUrl("https://api.contoso.com:8443", ["https://api.contoso.com"])).toMatchObject({ ok: false });
  });

  it("refuses what would send callers' tokens and keys elsewhere", () => {
    for (const url of [
      "http://contoso.azure-api.net",
      "https://user:pass@contoso.azure-api.net",
      "https://contoso.azure-api.net/?x=1",
      "https://contoso.azure-api.net/#f",
      "https://contoso.azure-api.net:8443",
      "https://azure-api.net",
      "https://contoso.azure-api.net.evil.example",
      "https://evilazure-api.net",
      "https://localhost",
      "https://127.0.0.1",
      "https://169.254.169.254/metadata",
      "https://[::1]",
      "not a url",
    ])
      expect(checkGatewayUrl(url, []), url).toMatchObject({
        ok: false,
        problem: expect.stringContaining("must be an https:// URL of an APIM gateway"),
      });
  });
});
