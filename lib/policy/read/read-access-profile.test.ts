import { describe, expect, it } from "vitest";
import { loadReferencePolicies } from "../__fixtures__/reference-policies";
import { sampleProfiles, type SampleName } from "../__fixtures__/sample-profiles";
import { renderBackendEntity } from "../backend-entity";
import { BEGIN_MARKER, END_MARKER } from "../managed-block";
import { renderPolicy } from "../render/render-policy";
import { readAccessProfile, type PolicyReading } from "./read-access-profile";

function read(text: string, options: Parameters<typeof readAccessProfile>[1] = {}): PolicyReading {
  const result = readAccessProfile(text, options);
  if (!result.ok) throw new Error(result.error.message);
  return result.reading;
}

function reference(prefix: string): string {
  const policy = loadReferencePolicies().find((candidate) => candidate.file.startsWith(prefix));
  if (policy === undefined) throw new Error(`no reference policy ${prefix}`);
  return policy.text;
}

const inbound = (statements: string) => `<policies>\n<inbound>\n<base />\n${statements}\n</inbound>\n</policies>`;

describe("readAccessProfile from the engine's block", () => {
  it.each(Object.keys(sampleProfiles) as SampleName[])("%s reads back exactly", (name) => {
    const profile = sampleProfiles[name];
    const entity = renderBackendEntity(profile);
    const reading = read(renderPolicy(profile), {
      backends: entity === undefined ? {} : { [entity.backendId]: entity.properties },
    });
    expect(reading.profile).toStrictEqual(profile);
    expect(reading.undetermined).toEqual([]);
  });

  it("says the backend entity is needed for backend delivery instead of inventing it", () => {
    const reading = read(renderPolicy(sampleProfiles["apikey-backend--entra"]));
    expect(reading).toMatchObject({
      profile: null,
      backendAuth: null,
      callerAuth: sampleProfiles["apikey-backend--entra"].callerAuth,
    });
    expect(reading.undetermined).toEqual([
      {
        path: "backendAuth",
        backendId: "openai-backend",
        reason: expect.stringContaining("live in that backend entity"),
      },
    ]);
  });

  it("reports statements added by hand inside the block", () => {
    const edited = renderPolicy(sampleProfiles["apikey-header--none"]).replace(
      END_MARKER,
      `<set-variable name="x" value="y" />\n        ${END_MARKER}`,
    );
    expect(read(edited).unmanaged).toEqual([
      expect.objectContaining({
        element: "set-variable",
        reason: expect.stringContaining("inside the Portcullis block"),
      }),
    ]);
  });

  it("reads only the block and reports foreign authentication outside it", () => {
    const text = inbound(
      `${BEGIN_MARKER}\n${END_MARKER}\n<validate-jwt header-name="Authorization"><openid-config url="https://idp.example.com/c" /><audiences><audience>a</audience></audiences><issuers><issuer>i</issuer></issuers></validate-jwt>`,
    );
    const reading = read(text);
    expect(reading).toMatchObject({
      source: "managed-block",
      profile: { callerAuth: { mode: "none" }, backendAuth: { mode: "none" } },
    });
    expect(reading.unmanaged).toEqual([
      expect.objectContaining({ element: "validate-jwt", section: "inbound", line: 6 }),
    ]);
  });
});

describe("readAccessProfile adopting a hand-written policy", () => {
  it("adopts managed identity by policy (AI-Gateway foundry gateway) and reports the routing backend", () => {
    const reading = read(reference("31-"));
    expect(reading).toMatchObject({
      source: "adopted",
      profile: {
        callerAuth: { mode: "none" },
        backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "policy" },
      },
    });
    expect(reading.unmanaged).toEqual([
      expect.objectContaining({ element: "set-backend-service", reason: expect.stringContaining("selects a backend") }),
    ]);
  });

  it("adopts an entra validation and an api key header", () => {
    const reading = read(
      inbound(
        '<validate-azure-ad-token tenant-id="contoso.com"><client-application-ids><application-id>\n  00000000-0000-0000-0000-000000000000\n</application-id></client-application-ids></validate-azure-ad-token>\n<set-header name="api-key"><value>{{key}}</value></set-header>',
      ),
    );
    expect(reading.profile).toStrictEqual({
      callerAuth: {
        mode: "entra",
        tenantId: "contoso.com",
        clientApplicationIds: ["00000000-0000-0000-0000-000000000000"],
        audiences: [],
        requiredClaims: [],
      },
      backendAuth: { mode: "apiKey", namedValue: "key", headerName: "api-key", delivery: "setHeader" },
    });
  });

  it("does not adopt what a profile cannot hold, and says why", () => {
    expect(read(reference("33-")).undetermined).toEqual([
      { path: "callerAuth", reason: expect.stringContaining("output-token-variable-name") },
    ]);
    expect(read(reference("07-")).undetermined).toEqual([
      { path: "backendAuth", reason: expect.stringContaining("not sent as the Authorization header") },
    ]);
    const weak = inbound(
      '<validate-jwt header-name="Authorization" require-signed-tokens="false"><openid-config url="https://i/c" /></validate-jwt>',
    );
    expect(read(weak).undetermined).toEqual([
      { path: "callerAuth", reason: expect.stringContaining('require-signed-tokens="false"') },
    ]);
  });

  it("reports conditional validation and token flows as unmanaged", () => {
    const reading = read(reference("01-"));
    expect(reading.profile).toEqual({ callerAuth: { mode: "none" }, backendAuth: { mode: "none" } });
    expect(reading.unmanaged.map((statement) => [statement.element, statement.line])).toEqual([
      ["validate-jwt", 11],
      ["validate-jwt", 23],
      ["validate-jwt", 35],
    ]);
    expect(read(reference("17-")).unmanaged.map((statement) => statement.element)).toEqual([
      "send-request",
      "set-header",
    ]);
  });

  it("refuses a document that is not a policy", () => {
    expect(readAccessProfile("<policies>")).toMatchObject({ ok: false });
    expect(readAccessProfile("<other />")).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("<other>") },
    });
  });
});
