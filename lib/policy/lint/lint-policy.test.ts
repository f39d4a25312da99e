import { describe, expect, it } from "vitest";
import { sampleProfiles } from "../__fixtures__/sample-profiles";
import { renderPolicy } from "../render/render-policy";
import { lintPolicy } from "./lint-policy";

function policy(inbound: string, backend = "<base />"): string {
  return `<policies>\n<inbound>\n${inbound}\n</inbound>\n<backend>\n${backend}\n</backend>\n<outbound><base /></outbound>\n<on-error><base /></on-error>\n</policies>`;
}

function codes(text: string, options: Parameters<typeof lintPolicy>[1] = {}): Array<[string, string, number]> {
  const result = lintPolicy(text, options);
  if (!result.ok) throw new Error(result.error.message);
  return result.findings.map((finding) => [finding.code, finding.severity, finding.line]);
}

const JWT =
  '<validate-jwt header-name="Authorization"><openid-config url="https://idp.example.com/.well-known/openid-configuration" /></validate-jwt>';
const KEY = '<set-header name="api-key" exists-action="override"><value>{{key}}</value></set-header>';

describe("lintPolicy", () => {
  it("finds nothing in what the engine renders", () => {
    for (const profile of Object.values(sampleProfiles)) {
      const findings = codes(renderPolicy(profile), { namedValues: ["openai-api-key", "gemini-api-key"] });
      expect(findings.filter(([code]) => code !== "caller-validation-without-backend-auth")).toEqual([]);
    }
  });

  it("caller-validation-without-backend-auth: validation with nothing authenticating to the backend", () => {
    expect(codes(policy(JWT))).toEqual([["caller-validation-without-backend-auth", "error", 3]]);
    expect(codes(policy(`${JWT}\n${KEY}`))).toEqual([]);
    expect(codes(policy(JWT, '<set-backend-service backend-id="b" />'))).toEqual([]);
    // A header set on a sub-request or on the response does not authenticate the forwarded request.
    expect(
      codes(policy(`${JWT}\n<send-request mode="new" response-variable-name="r">${KEY}</send-request>`)),
    ).toContainEqual(["caller-validation-without-backend-auth", "error", 3]);
  });

  it("caller-validation-late: validation after statements that forward, answer or authenticate", () => {
    expect(codes(policy(`${KEY}\n${JWT}`))).toEqual([["caller-validation-late", "error", 4]]);
    expect(
      codes(policy(`<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" />\n${JWT}\n${KEY}`)),
    ).toEqual([["caller-validation-late", "error", 4]]);
    expect(
      codes(policy(`<choose><when condition="@(true)"><return-response /></when></choose>\n${JWT}\n${KEY}`)),
    ).toEqual([["caller-validation-late", "error", 4]]);
    // Branches of one choose are alternatives, not a sequence.
    expect(
      codes(
        policy(
          `<choose><when condition="@(true)"><return-response /></when><otherwise>${JWT}</otherwise></choose>\n${KEY}`,
        ),
      ),
    ).toEqual([]);
    expect(codes(policy(`<base />\n<set-variable name="a" value="b" />\n${JWT}\n${KEY}`))).toEqual([]);
  });

  it("caller-validation-outside-inbound", () => {
    expect(codes(policy(KEY, JWT))).toEqual([["caller-validation-outside-inbound", "error", 6]]);
  });

  it("expression-in-client-application-ids", () => {
    const entra =
      '<validate-azure-ad-token tenant-id="contoso.com"><client-application-ids>\n<application-id>@(context.Variables["a"])</application-id>\n</client-application-ids></validate-azure-ad-token>';
    expect(codes(policy(`${entra}\n${KEY}`), { format: "rawxml" })).toEqual([
      ["expression-in-client-application-ids", "error", 4],
    ]);
  });

  it("unknown-named-value only when the caller passes the list", () => {
    expect(codes(policy(`${JWT}\n${KEY}`))).toEqual([]);
    expect(codes(policy(`${JWT}\n${KEY}`), { namedValues: ["other"] })).toEqual([["unknown-named-value", "error", 4]]);
    expect(codes(policy(`${JWT}\n${KEY}`), { namedValues: ["key"] })).toEqual([]);
  });

  it("unsigned-tokens-accepted and expiration-not-required", () => {
    const weak = JWT.replace(
      'header-name="Authorization"',
      'header-name="Authorization" require-signed-tokens="false" require-expiration-time="false"',
    );
    expect(codes(policy(`${weak}\n${KEY}`))).toEqual([
      ["expiration-not-required", "warning", 3],
      ["unsigned-tokens-accepted", "error", 3],
    ]);
  });

  it("insecure-openid-config", () => {
    expect(codes(policy(`${JWT.replace("https:", "http:")}\n${KEY}`))).toEqual([
      ["insecure-openid-config", "error", 3],
    ]);
  });

  it("multiple-managed-blocks and broken-managed-block", () => {
    const block = "<!-- portcullis:begin -->\n<!-- portcullis:end -->";
    expect(codes(policy(`${block}\n${block}`))).toEqual([["multiple-managed-blocks", "error", 5]]);
    expect(codes(policy("<!-- portcullis:begin -->"))).toEqual([["broken-managed-block", "error", 3]]);
    expect(codes(policy("<!-- portcullis:end -->"))).toEqual([["broken-managed-block", "error", 3]]);
  });

  it("policy-too-large at 256 KiB, or 16 KiB on Consumption", () => {
    const filler = (bytes: number) => `<!-- ${"x".repeat(bytes)} -->`;
    expect(codes(policy(filler(17 * 1024)))).toEqual([["policy-too-large-for-consumption", "warning", 1]]);
    expect(codes(policy(filler(17 * 1024)), { tier: "consumption" })).toEqual([["policy-too-large", "error", 1]]);
    expect(codes(policy(filler(17 * 1024)), { tier: "dedicated" })).toEqual([]);
    expect(codes(policy(filler(257 * 1024)))).toEqual([["policy-too-large", "error", 1]]);
  });

  it("reports a document that is not a policy as a parse error", () => {
    expect(lintPolicy("<policies>")).toMatchObject({ ok: false, error: { line: 1 } });
  });
});
