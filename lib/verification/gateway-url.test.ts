import { describe, expect, it } from "vitest";
import { checkGatewayUrl } from "./gateway-url";

const reported = ["https://contoso.azure-api.net", "https://contoso-westeurope-01.regional.azure-api.net"];

describe("checkGatewayUrl", () => {
  it("takes a gateway the service reports (with a path for a prefix), without a trailing slash", () => {
    expect(checkGatewayUrl("https://contoso.azure-api.net/", { reported, allowed: [] })).toEqual({
      ok: true,
      url: "https://contoso.azure-api.net",
    });
    expect(
      checkGatewayUrl("https://CONTOSO-westeurope-01.regional.azure-api.net/gw/", { reported, allowed: [] }),
    ).toEqual({ ok: true, url: "https://contoso-westeurope-01.regional.azure-api.net/gw" });
  });

  it("takes an origin the server allows, and only that origin", () => {
    const allowed = ["https://api.contoso.com"];
    expect(checkGatewayUrl("https://api.contoso.com/llm", { reported: [], allowed })).toEqual({
      ok: true,
      url: "https://api.contoso.com/llm",
    });
    expect(checkGatewayUrl("https://api.contoso.com:8443", { reported: [], allowed })).toMatchObject({ ok: false });
  });

  it("refuses another service's gateway, even under APIM's own domains", () => {
    for (const url of [
      "https://evil.azure-api.net",
      "https://contoso.azure-api.us",
      "https://eu.contoso.azure-api.net",
    ])
      expect(checkGatewayUrl(url, { reported, allowed: [] }), url).toEqual({
        ok: false,
        problem: `must be an https:// URL of a gateway this APIM service reports in ARM (${reported.join(", ")}) or of an origin listed in VERIFY_GATEWAYS_ALLOWED`,
      });
    expect(checkGatewayUrl("https://contoso.azure-api.net", { reported: [], allowed: [] })).toMatchObject({
      ok: false,
      problem: expect.stringContaining("(it reports none)"),
    });
  });

  it("refuses what would send callers' tokens and keys elsewhere", () => {
    for (const url of [
      "http://contoso.azure-api.net",
      "https://user:pass@contoso.azure-api.net",
      "https://contoso.azure-api.net/?x=1",
      "https://contoso.azure-api.net/#f",
      "https://contoso.azure-api.net:8443",
      "https://contoso.azure-api.net.evil.example",
      "https://localhost",
      "https://127.0.0.1",
      "https://169.254.169.254/metadata",
      "https://[::1]",
      "not a url",
    ])
      expect(checkGatewayUrl(url, { reported, allowed: [] }), url).toMatchObject({
        ok: false,
        problem: expect.stringContaining("must be an https:// URL of a gateway this APIM service reports"),
      });
  });
});
