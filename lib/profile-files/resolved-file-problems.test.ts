import { describe, expect, it } from "vitest";
import { formatFileProblem } from "./file-problem";
import { parseProfileFile } from "./parse-profile-file";
import { resolvedFileProblems } from "./resolved-file-problems";

const production = { values: { tenant: "contoso.onmicrosoft.com" }, name: "environment production" };

/** An API file, parsed (it must be valid as written), and the line of the first line holding `text`. */
function apiFile(text: string) {
  const parsed = parseProfileFile("apis/chat.yaml", text);
  if (!parsed.ok || parsed.parsed.kind !== "api") throw new Error(JSON.stringify(parsed));
  const lineOf = (wanted: string) => text.split("\n").findIndex((line) => line.includes(wanted)) + 1;
  return { file: parsed.parsed, lineOf };
}

const ownProfile = `kind: AccessProfile
api: chat
instance: dev
variables:
  - app
  - keyName
  - tenant
profile:
  backendAuth:
    mode: apiKey
    delivery: setHeader
    headerName: api-key
    namedValue: openai-key
  callerAuth:
    mode: entra
    clientApplicationIds:
      - \${app}
    tenantId: \${tenant}
keyVault:
  secretIdentifier: https://contoso.vault.azure.net/secrets/\${keyName}
`;

const following = `kind: AccessProfile
api: chat
instance: dev
variables: []
template:
  name: chat-apps
  version: latest
`;

const templateProfile = {
  backendAuth: { mode: "none" },
  callerAuth: { mode: "entra", tenantId: "${tenant}", clientApplicationIds: ["${app}"] },
};

describe("a profile file's variables resolved with its environment", () => {
  it("name each variable the environment does not set at each field using it, the keyVault's too", () => {
    const { file, lineOf } = apiFile(ownProfile);
    expect(resolvedFileProblems(file, { written: file.content.profile }, production).map(formatFileProblem)).toEqual([
      `apis/chat.yaml:${lineOf("- ${app}")}: profile.callerAuth.clientApplicationIds[0]: uses \${app}, which environment production does not set`,
      `apis/chat.yaml:${lineOf("secretIdentifier")}: keyVault.secretIdentifier: uses \${keyName}, which environment production does not set`,
    ]);
  });

  it("say so at every field when the instance is in no environment", () => {
    const { file, lineOf } = apiFile(ownProfile);
    const problems = resolvedFileProblems(file, { written: file.content.profile }, { values: null, instance: "dev" });
    expect(problems.map((problem) => `${problem.line} ${problem.path}`)).toEqual([
      `${lineOf("- ${app}")} profile.callerAuth.clientApplicationIds[0]`,
      `${lineOf("secretIdentifier")} keyVault.secretIdentifier`,
      `${lineOf("tenantId")} profile.callerAuth.tenantId`,
    ]);
    expect(problems[2]!.message).toBe("uses ${tenant}, but instance dev is in no environment to take its value from");
  });

  it("report a resolved value the field refuses, and nothing when every value fits", () => {
    const { file, lineOf } = apiFile(ownProfile);
    const values = { tenant: "contoso.onmicrosoft.com", app: "not-a-guid", keyName: "openai" };
    expect(
      resolvedFileProblems(file, { written: file.content.profile }, { values, name: "environment production" }).map(
        formatFileProblem,
      ),
    ).toEqual([
      `apis/chat.yaml:${lineOf("- ${app}")}: profile.callerAuth.clientApplicationIds[0]: must be a GUID such as 00000000-0000-0000-0000-000000000000 (with the variables of environment production)`,
    ]);
    const fitting = { ...values, app: "22222222-2222-2222-2222-222222222222" };
    expect(
      resolvedFileProblems(
        file,
        { written: file.content.profile },
        { values: fitting, name: "environment production" },
      ),
    ).toEqual([]);
    // A resolved Key Vault identifier is held to the secrets' rule.
    const badVault = { ...fitting, keyName: "a/b/c" };
    expect(
      resolvedFileProblems(
        file,
        { written: file.content.profile },
        { values: badVault, name: "environment production" },
      ),
    ).toMatchObject([{ line: lineOf("secretIdentifier"), path: "keyVault.secretIdentifier" }]);
  });

  it("report a followed template version's variables at the file's template, naming the version's field", () => {
    const { file, lineOf } = apiFile(following);
    const template = { name: "chat-apps", version: 3 };
    expect(
      resolvedFileProblems(file, { written: templateProfile, template }, production).map(formatFileProblem),
    ).toEqual([
      `apis/chat.yaml:${lineOf("name: chat-apps")}: template: template chat-apps v3's callerAuth.clientApplicationIds[0] uses \${app}, which environment production does not set`,
    ]);
    const values = { tenant: "not a tenant", app: "22222222-2222-2222-2222-222222222222" };
    expect(
      resolvedFileProblems(file, { written: templateProfile, template }, { values, name: "environment production" }),
    ).toMatchObject([
      {
        path: "template",
        message:
          "template chat-apps v3's callerAuth.tenantId must be a tenant GUID or a domain such as contoso.onmicrosoft.com (with the variables of environment production)",
      },
    ]);
  });

  it("leave a malformed reference to the field that holds it: the variables list does not ask for it too", () => {
    const text = ownProfile.replace("- ${app}", "- ${app id}");
    const parsed = parseProfileFile("apis/chat.yaml", text);
    expect(parsed.ok || parsed.problems.map((problem) => problem.path)).toEqual([
      "profile.callerAuth.clientApplicationIds[0]",
      "variables[0]",
    ]);
  });
});
