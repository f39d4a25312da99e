import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writtenProfileSchema } from "../policy/profile-schema";
import { formatFileProblem } from "./file-problem";
import { formatApiProfileFile, formatEnvironmentFile } from "./format-profile-file";
import { parseProfileFile } from "./parse-profile-file";
import { readProfileDirectory } from "./read-profile-directory";

const profile = writtenProfileSchema.parse({
  callerAuth: {
    mode: "entra",
    tenantId: "${tenant}",
    clientApplicationIds: ["${chatApp}", "11111111-1111-1111-1111-111111111111"],
  },
  backendAuth: { mode: "apiKey", delivery: "setHeader", namedValue: "azure-openai-api-key", headerName: "api-key" },
});

const apiFile = formatApiProfileFile({ api: "azure-openai", instance: "dev", adopt: false, profile });
const environmentFile = formatEnvironmentFile({
  environment: "production",
  variables: { tenant: "contoso.onmicrosoft.com", chatApp: "22222222-2222-2222-2222-222222222222" },
});

describe("profile files", () => {
  it("write a stable layout that parses back to the same profile", () => {
    expect(apiFile).toContain("variables:\n  - chatApp\n  - tenant\n");
    // mode first, then the other keys alphabetically, whatever order the profile came in.
    expect(apiFile.indexOf("mode: apiKey")).toBeLessThan(apiFile.indexOf("delivery: setHeader"));
    expect(apiFile.indexOf("backendAuth:")).toBeLessThan(apiFile.indexOf("callerAuth:"));
    expect(formatApiProfileFile({ api: "azure-openai", instance: "dev", adopt: false, profile })).toBe(apiFile);
    const parsed = parseProfileFile("apis/azure-openai.yaml", apiFile);
    expect(parsed).toMatchObject({ ok: true, parsed: { kind: "api", content: { api: "azure-openai", profile } } });
    const environment = parseProfileFile("environment.yaml", environmentFile);
    expect(environment).toMatchObject({ ok: true, parsed: { kind: "environment" } });
    expect(environmentFile.indexOf("chatApp")).toBeLessThan(environmentFile.indexOf("tenant"));
  });

  it("report each problem with file, line and field path", () => {
    const broken = apiFile
      .replace(/tenantId: .*/, "tenantId: not a tenant")
      .replace("- 11111111-1111-1111-1111-111111111111", "- not-a-guid")
      .replace("headerName: api-key", "headerName: api key");
    const result = parseProfileFile("apis/azure-openai.yaml", broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lineOf = (text: string) => broken.split("\n").findIndex((line) => line.includes(text)) + 1;
    expect(result.problems.map(formatFileProblem)).toEqual([
      `apis/azure-openai.yaml:${lineOf("headerName")}: profile.backendAuth.headerName: must be an HTTP header name (RFC 7230 token characters, no spaces or separators)`,
      `apis/azure-openai.yaml:${lineOf("not a tenant")}: profile.callerAuth.tenantId: must be a tenant GUID or a domain such as contoso.onmicrosoft.com`,
      `apis/azure-openai.yaml:${lineOf("not-a-guid")}: profile.callerAuth.clientApplicationIds[1]: must be a GUID such as 00000000-0000-0000-0000-000000000000`,
      `apis/azure-openai.yaml:${lineOf("  - tenant")}: variables[1]: "tenant" is not used by the file`,
    ]);
  });

  it("carry the Key Vault secret of the profile's named value, identifiers or variables, only for an API key", () => {
    const keyVault = { secretIdentifier: "https://contoso.vault.azure.net/secrets/${keyName}" };
    const withVault = formatApiProfileFile({ api: "azure-openai", instance: "dev", adopt: false, profile, keyVault });
    expect(withVault).toContain("  - keyName\n");
    expect(withVault).toMatch(
      /keyVault:\n {2}secretIdentifier: https:\/\/contoso\.vault\.azure\.net\/secrets\/\$\{keyName\}\n$/,
    );
    expect(parseProfileFile("apis/azure-openai.yaml", withVault)).toMatchObject({
      ok: true,
      parsed: { content: { keyVault } },
    });
    // A literal identifier is checked as the secrets' own rule checks it; a variable once resolved.
    const bad = withVault.replace("contoso.vault.azure.net/secrets/${keyName}", "contoso.example.com/secrets/key");
    const line = bad.split("\n").findIndex((text) => text.includes("secretIdentifier")) + 1;
    const refused = parseProfileFile("apis/azure-openai.yaml", bad);
    expect(refused.ok || refused.problems.map((problem) => `${problem.line} ${problem.path}`)).toEqual([
      `${line} keyVault.secretIdentifier`,
      // keyName: used no more once the identifier is a literal.
      `${bad.split("\n").indexOf("  - keyName") + 1} variables[1]`,
    ]);
    const withoutKey = parseProfileFile(
      "apis/azure-openai.yaml",
      withVault.replace(/backendAuth:\n(?: {4}.*\n)+/, "backendAuth:\n    mode: none\n"),
    );
    expect(withoutKey.ok || withoutKey.problems.map(formatFileProblem)).toContainEqual(
      expect.stringContaining(
        "keyVault: is the Key Vault secret of the profile's named value: only for backendAuth mode apiKey",
      ),
    );
  });

  it("carry the template an API follows instead of its profile, in a stable place", () => {
    const keyVault = { secretIdentifier: "https://contoso.vault.azure.net/secrets/${keyName}" };
    const follows = formatApiProfileFile({
      api: "azure-openai",
      instance: "dev",
      adopt: false,
      template: { version: "latest", name: "chat-apps" },
      keyVault,
    });
    expect(follows).toContain("variables:\n  - keyName\ntemplate:\n  name: chat-apps\n  version: latest\nkeyVault:\n");
    expect(follows).not.toContain("profile:");
    expect(parseProfileFile("apis/azure-openai.yaml", follows)).toMatchObject({
      ok: true,
      parsed: { content: { template: { name: "chat-apps", version: "latest" }, keyVault } },
    });
    const pinned = formatApiProfileFile({
      api: "azure-openai",
      instance: "dev",
      adopt: false,
      template: { name: "chat-apps", version: 3 },
    });
    expect(pinned).toContain("template:\n  name: chat-apps\n  version: 3\n");
    expect(parseProfileFile("apis/azure-openai.yaml", pinned)).toMatchObject({
      ok: true,
      parsed: { content: { template: { name: "chat-apps", version: 3 } } },
    });
  });

  it("report a template beside a profile, a bad template version or name, and neither, at their lines", () => {
    const both = apiFile.replace("profile:\n", "template:\n  name: chat-apps\n  version: latest\nprofile:\n");
    const lineOf = (text: string, wanted: string) => text.split("\n").findIndex((line) => line.startsWith(wanted)) + 1;
    const refused = parseProfileFile("apis/azure-openai.yaml", both);
    expect(refused.ok || refused.problems.map(formatFileProblem)).toEqual([
      // A map's problem is at its first entry's line.
      `apis/azure-openai.yaml:${lineOf(both, "profile:") + 1}: profile: must be absent: the API follows template chat-apps, whose version is its profile (remove profile, or remove template to write the profile by hand)`,
    ]);
    const pinned = formatApiProfileFile({
      api: "a",
      instance: "dev",
      adopt: false,
      template: { name: "t", version: 2 },
    });
    const badVersion = parseProfileFile("apis/a.yaml", pinned.replace("version: 2", "version: newest"));
    expect(badVersion.ok || badVersion.problems.map(formatFileProblem)).toEqual([
      `apis/a.yaml:${lineOf(pinned, "  version:")}: template.version: must be a version number (1, 2, …) or "latest"`,
    ]);
    const zero = parseProfileFile("apis/a.yaml", pinned.replace("version: 2", "version: 0"));
    expect(zero.ok || zero.problems.map((problem) => `${problem.line} ${problem.path}`)).toEqual([
      `${lineOf(pinned, "  version:")} template.version`,
    ]);
    const noName = parseProfileFile("apis/a.yaml", pinned.replace("  name: t\n", ""));
    expect(noName.ok || noName.problems.map((problem) => `${problem.line} ${problem.path}`)).toEqual([
      `${lineOf(pinned, "template:") + 1} template.name`,
    ]);
    const neither = parseProfileFile("apis/a.yaml", pinned.replace(/template:\n(?: {2}.*\n)+/, ""));
    expect(neither.ok || neither.problems.map(formatFileProblem)).toEqual([
      "apis/a.yaml:3: profile: is required (or name a template)",
    ]);
  });

  it("refuse YAML that is not plain data, an unknown kind and key-like variable values", () => {
    const duplicate = parseProfileFile("a.yaml", "kind: AccessProfile\nkind: AccessProfile\n");
    expect(duplicate.ok || duplicate.problems[0]).toMatchObject({ line: 2, path: "(file)" });
    const unknown = parseProfileFile("b.yaml", "# nothing\nkind: Policy\n");
    expect(unknown.ok || unknown.problems).toEqual([
      { file: "b.yaml", line: 2, path: "kind", message: "must be AccessProfile or EnvironmentVariables" },
    ]);
    const secret = parseProfileFile(
      "environment.yaml",
      "kind: EnvironmentVariables\nenvironment: production\nvariables:\n  key: 8f2d1c0b9a7e4f6d8c2b1a0e9f7d6c5b\n",
    );
    expect(secret.ok || secret.problems[0]).toMatchObject({ line: 4, path: "variables.key" });
  });
});

describe("a directory of profile files", () => {
  let directory = "";
  afterEach(async () => rm(directory, { recursive: true, force: true }));

  async function write(files: Record<string, string>) {
    directory = await mkdtemp(path.join(tmpdir(), "profile-files-"));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
      await writeFile(path.join(directory, name), text);
    }
  }

  it("yields every API and the environment when all files are valid", async () => {
    await write({ "apis/azure-openai.yaml": apiFile, "environment.yaml": environmentFile });
    const result = await readProfileDirectory(directory);
    expect(result.ok && result.directory.apis.map((api) => api.file)).toEqual(["apis/azure-openai.yaml"]);
    expect(result.ok && result.directory.environment?.content.environment).toBe("production");
  });

  it("yields nothing but the problems when any file is invalid, or an API is there twice, or a variable is unset", async () => {
    await write({
      "apis/azure-openai.yaml": apiFile,
      "apis/copy.yaml": apiFile,
      "apis/broken.yaml": "kind: AccessProfile\napi: broken\nprofile: [\n",
      "environment.yaml": formatEnvironmentFile({ environment: "production", variables: { tenant: "contoso.com" } }),
    });
    const result = await readProfileDirectory(directory);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const summary = result.problems.map((problem) => `${problem.file}:${problem.line} ${problem.path}`);
    const chatAppLine = apiFile.split("\n").indexOf("      - ${chatApp}") + 1;
    expect(summary).toEqual([
      "apis/broken.yaml:4 (file)",
      `apis/copy.yaml:${apiFile.split("\n").indexOf("api: azure-openai") + 1} api`,
      `apis/azure-openai.yaml:${chatAppLine} profile.callerAuth.clientApplicationIds[0]`,
      `apis/copy.yaml:${chatAppLine} profile.callerAuth.clientApplicationIds[0]`,
    ]);
    expect(result.problems[2]?.message).toBe(
      "uses ${chatApp}, which environment.yaml (environment production) does not set",
    );
  });

  it("report a variable's value the field refuses at the field, with the environment file named", async () => {
    await write({
      "apis/azure-openai.yaml": apiFile,
      "environment.yaml": formatEnvironmentFile({
        environment: "production",
        variables: { tenant: "not a tenant", chatApp: "22222222-2222-2222-2222-222222222222" },
      }),
    });
    const result = await readProfileDirectory(directory);
    expect(result.ok || result.problems.map(formatFileProblem)).toEqual([
      `apis/azure-openai.yaml:${apiFile.split("\n").findIndex((line) => line.includes("tenantId:")) + 1}: profile.callerAuth.tenantId: must be a tenant GUID or a domain such as contoso.onmicrosoft.com (with the variables of environment.yaml (environment production))`,
    ]);
  });
});
