import { describe, expect, it } from "vitest";
import { parsePolicyDocument, type PolicyFormat } from "../../../lib/policy";
import { loadReferencePolicies } from "../../../lib/policy/__fixtures__/reference-policies";
import { readSpecExample } from "../test-support/fixtures";
import { serializePolicy, type ExportFormat } from "./serialize-policy";

function reserialize(text: string, format: PolicyFormat, exportFormat: ExportFormat = "xml"): string {
  const parsed = parsePolicyDocument(text, format);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return serializePolicy(parsed.document, exportFormat);
}

function policyValue(example: string, status: string): string {
  return readSpecExample(example).responses[status]?.body?.properties?.value as string;
}

describe("policy re-serialisation as APIM returns it", () => {
  it("re-indents with two spaces and CRLF (2022-08-01 create example)", () => {
    const example = readSpecExample("2022-08-01/ApiManagementCreateApiPolicy.json");
    const sent = example.parameters.parameters?.properties?.value as string;
    expect(reserialize(sent, "xml")).toBe(policyValue("2022-08-01/ApiManagementCreateApiPolicy.json", "201"));
  });

  it("escapes a raw expression from rawxml input as =&gt; (2024-05-01 non-XML-encoded example)", () => {
    const example = readSpecExample("2024-05-01/ApiManagementCreateApiPolicyNonXmlEncoded.json");
    const sent = example.parameters.parameters?.properties?.value as string;
    expect(reserialize(sent, "rawxml")).toBe(
      policyValue("2024-05-01/ApiManagementCreateApiPolicyNonXmlEncoded.json", "201"),
    );
  });

  it("gives back APIM's own output unchanged: comments, &#x9;, inline multi-line expressions (GET example)", () => {
    const stored = policyValue("2024-05-01/ApiManagementGetApiPolicy.json", "200");
    expect(reserialize(stored, "xml")).toBe(stored);
  });

  it("keeps <x></x> and <x /> apart and keeps comments (CLI recording, with two spaces for its tabs)", () => {
    const sent =
      "<policies>\n        <inbound></inbound>\n        <backend>\n                <!-- test -->\n        </backend>\n        <outbound />\n        <on-error />\n</policies>";
    expect(reserialize(sent, "xml")).toBe(
      "<policies>\r\n  <inbound></inbound>\r\n  <backend>\r\n    <!-- test -->\r\n  </backend>\r\n  <outbound />\r\n  <on-error />\r\n</policies>",
    );
  });

  it("leaves expressions raw for ?format=rawxml and escapes them for ?format=xml", () => {
    const sent = `<policies><inbound><set-variable name="m" value="@(context.Request.Method == &quot;POST&quot; &amp;&amp; true)" /><set-body>@{ return a &lt; b ? "x" : "y"; }</set-body></inbound></policies>`;
    expect(reserialize(sent, "xml", "rawxml")).toBe(
      `<policies>\r\n  <inbound>\r\n    <set-variable name="m" value="@(context.Request.Method == "POST" && true)" />\r\n    <set-body>@{ return a < b ? "x" : "y"; }</set-body>\r\n  </inbound>\r\n</policies>`,
    );
    expect(reserialize(sent, "xml", "xml")).toBe(
      `<policies>\r\n  <inbound>\r\n    <set-variable name="m" value="@(context.Request.Method == &quot;POST&quot; &amp;&amp; true)" />\r\n    <set-body>@{ return a &lt; b ? "x" : "y"; }</set-body>\r\n  </inbound>\r\n</policies>`,
    );
  });

  it("is a fixed point for every real policy of the reference pack, in both export formats", () => {
    for (const policy of loadReferencePolicies()) {
      const format: PolicyFormat = policy.wellFormed ? "xml" : "rawxml";
      const asXml = reserialize(policy.text, format, "xml");
      expect(reserialize(asXml, "xml", "xml"), policy.file).toBe(asXml);
      const asRaw = reserialize(policy.text, format, "rawxml");
      expect(reserialize(asRaw, "rawxml", "rawxml"), policy.file).toBe(asRaw);
      expect(asXml.includes("\n") && !/[^\r]\n/.test(asXml), policy.file).toBe(true);
    }
  });
});
