/**
 * `portcullis policy effective` and `policy check-token`: in process through runCli with the
 * files and streams a command may touch (fast on two shared cores), and spawned the way
 * `npx portcullis` runs them once each.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { sampleProfiles } from "../lib/policy/__fixtures__/sample-profiles";
import { renderPolicy } from "../lib/policy";
import { fileWriter, spawnCli, spawnedCliTimeoutMs } from "./__fixtures__/cli-runner";
import { runCli } from "./main";
import { entraClaims, jwt } from "../lib/policy/effective/__fixtures__/tokens";

const file = fileWriter("portcullis-effective-");

async function run(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: (text: string) => void (stdout += text),
    stderr: (text: string) => void (stderr += text),
    readFile: (path: string) => readFile(path, "utf8"),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const profile = sampleProfiles["managed-identity-policy--entra"];
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ALLOWED_CLIENT = "11111111-2222-3333-4444-555555555555";
const global = file(
  "global.xml",
  "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>",
);
const api = file("chat.xml", renderPolicy(profile));
const skipping = file(
  "completions.xml",
  '<policies>\n<inbound>\n<set-variable name="a" value="b" />\n</inbound>\n<backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>',
);
const identity = file(
  "identity.json",
  JSON.stringify({
    type: "UserAssigned",
    userAssignedIdentities: { "/x": { clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" } },
  }),
);
const claims = (client: string, extra: Record<string, unknown> = {}) =>
  entraClaims(TENANT, client, {
    roles: ["Chat.Use"],
    exp: Math.floor(Date.now() / 1000) + 3600,
    nbf: undefined,
    ...extra,
  });

describe("portcullis policy effective", () => {
  it("prints the ordered statements and no findings for a managed API, and exits 0", async () => {
    const result = await run(
      "policy",
      "effective",
      "--global",
      global,
      "--api",
      api,
      "--identity",
      identity,
      "--subscription-required",
      "--json",
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const output = JSON.parse(result.stdout);
    expect(output.apiId).toBe("chat");
    expect(
      output.sections.inbound.statements.map((statement: { element: string; managed: boolean }) => [
        statement.element,
        statement.managed,
      ]),
    ).toEqual([
      ["validate-azure-ad-token", true],
      ["authentication-managed-identity", true],
      ["set-header", true],
    ]);
    expect(output).toMatchObject({ findings: [], notConcluded: [], blocking: false });
    expect(output.profile).toBeUndefined();
  });

  it(
    "exits 1 on a blocking finding (the real bin): an operation that drops <base /> skips the API's validation",
    async () => {
      const result = spawnCli(
        "policy",
        "effective",
        "--global",
        global,
        "--api",
        api,
        "--operation",
        skipping,
        "--identity",
        identity,
        "--json",
      );
      expect(result.code).toBe(1);
      const output = JSON.parse(result.stdout);
      expect(output.operationId).toBe("completions");
      expect(output.findings).toContainEqual(
        expect.objectContaining({
          code: "caller-validation-skipped",
          severity: "blocking",
          scope: "operation",
          line: 2,
        }),
      );
      expect(output.blocking).toBe(true);
      const text = await run("policy", "effective", "--global", global, "--api", api, "--operation", skipping);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain("not run (the operation policy has no <base /> here, line 2):");
      expect(text.stdout).toContain("operation:2: blocking caller-validation-skipped: ");
    },
    spawnedCliTimeoutMs,
  );

  it("says which conclusions it could not reach without the service's facts", async () => {
    const output = JSON.parse((await run("policy", "effective", "--global", global, "--api", api, "--json")).stdout);
    expect(output.notConcluded.map((entry: { code: string }) => entry.code)).toEqual(["managed-identity-missing"]);
  });

  it.each([
    [["--api", api], "--global FILE is required"],
    [["--global", global], "--api FILE is required"],
    [["--global", global, "--api", file("bad.xml", "<policies>")], "bad.xml:1:1"],
    [["--global", global, "--api", file("fragment.xml", "<fragment />")], "the root element is <fragment>"],
    [["--global", global, "--api", api, "--identity", file("id.json", '{"type":"Both"}')], "id.json: type"],
    [["--global", global, "--api", api, "--named-values", file("nv.json", '[{"name":"x"}]')], "nv.json: [0].secret"],
    [["--global", global, "--api", api, "--fragment", "nofile"], "--fragment must be ID=FILE"],
  ])("exits 2 with one line naming the problem for %j", async (args, message) => {
    const result = await run("policy", "effective", ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("portcullis policy check-token", () => {
  const base = ["policy", "check-token", "--global", global, "--api", api];

  it("allows a token of an allowed client (exit 0), saying the signature is not checked and what the backend call carries", async () => {
    const result = await run(...base, "--token", jwt(claims(ALLOWED_CLIENT)), "--json");
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({
      decision: "allowed",
      decidedBy: { element: "validate-azure-ad-token", scope: "api", line: 5 },
      backendCall: {
        credentials: [
          {
            description:
              "authorization header: managed identity token for resource https://cognitiveservices.azure.com (user-assigned identity, client id aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee)",
          },
        ],
      },
    });
    expect(output.signature).toContain("NOT checked");
  });

  it("denies another client's token by the line that denies it (exit 1), and an expired one", async () => {
    const other = await run(...base, "--token", jwt(claims("66666666-0000-0000-0000-000000000000")), "--json");
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout)).toMatchObject({
      decision: "denied",
      decidedBy: { element: "validate-azure-ad-token", line: 5 },
      response: { status: 401, message: "Unauthorized. Access token is missing or invalid." },
    });
    const expired = await run(...base, "--token", jwt(claims(ALLOWED_CLIENT, { exp: 1_000_000_000 })));
    expect(expired.code).toBe(1);
    expect(expired.stdout).toMatch(
      /^Denied by <validate-azure-ad-token> on line 5 of the API policy\.\n  failed: the token expired at 2001-09-09T01:46:40Z/,
    );
  });

  it("takes claims from a file and an instant", async () => {
    const claimsFile = file("claims.json", JSON.stringify({ ...claims(ALLOWED_CLIENT), exp: 1_900_000_000 }));
    expect((await run(...base, "--claims", claimsFile, "--at", "2030-01-01T00:00:00Z")).code).toBe(0);
    expect((await run(...base, "--claims", claimsFile, "--at", "2031-01-01T00:00:00Z")).code).toBe(1);
  });

  it.each([
    [["--token", "abc.def"], "--token: the token has 2 parts separated by '.'; a JWT has 3"],
    [
      ["--token", `${jwt(claims(ALLOWED_CLIENT)).slice(0, -3)}$$$`],
      "--token: the token's signature is not base64url-encoded",
    ],
    [["--token", "a.b.c", "--claims", "x.json"], "give exactly one of --token JWT and --claims FILE"],
    [["--claims", file("list.json", "[1]")], "list.json: the claims must be a JSON object of claims"],
    [["--token", jwt(claims(ALLOWED_CLIENT)), "--at", "yesterday"], "--at must be an ISO 8601 instant"],
    [[jwt(claims(ALLOWED_CLIENT))], "Unexpected argument '(a token, not shown)'"],
  ])("exits 2 for %j naming what is wrong without printing the token", async (args, message) => {
    const result = await run(...base, ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain(jwt(claims(ALLOWED_CLIENT)).split(".")[1]);
  });
});

describe("--help", () => {
  it.each([["effective"], ["check-token"]])(
    "policy %s --help prints usage and exits 0",
    (command) => {
      const result = spawnCli("policy", command, "--help");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: portcullis policy ${command}`));
    },
    spawnedCliTimeoutMs,
  );
});
