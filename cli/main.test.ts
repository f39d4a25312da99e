/** Spawns the real `bin/portcullis.mjs` the way `npx portcullis` runs it. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { sampleProfiles } from "../lib/policy/__fixtures__/sample-profiles";
import { renderBackendEntity } from "../lib/policy";
import { fileWriter, spawnCli as run, spawnedCliTimeoutMs } from "./__fixtures__/cli-runner";

// Every case here spawns the CLI.
vi.setConfig({ testTimeout: spawnedCliTimeoutMs });

const fixtures = fileURLToPath(new URL("../lib/policy/__fixtures__/reference-policies/", import.meta.url));
const file = fileWriter("portcullis-cli-");

const profile = sampleProfiles["managed-identity-policy--entra"];
const profileFile = file("profile.json", JSON.stringify(profile));

describe("portcullis policy render", () => {
  it("writes the policy for a profile", () => {
    const result = run("policy", "render", "--profile", profileFile);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      readFileSync(
        fileURLToPath(new URL("../lib/policy/__golden__/managed-identity-policy--entra.xml", import.meta.url)),
        "utf8",
      ),
    );
  });

  it("merges into an existing policy with --into, keeping the rest", () => {
    const into = `${fixtures}27-aigw-zero-to-production-3.xml`;
    const result = run("policy", "render", "--profile", profileFile, "--into", into);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("<validate-azure-ad-token");
    expect(result.stdout).toContain('<azure-openai-token-limit counter-key="@(context.Subscription.Id)"');
  });

  it("takes over the hand-written statements with --adopt", () => {
    const into = `${fixtures}31-aigw-foundry-model-gateway.xml`;
    const plain = run("policy", "render", "--profile", profileFile, "--into", into);
    const adopted = run("policy", "render", "--profile", profileFile, "--into", into, "--adopt");
    expect(adopted.code).toBe(0);
    expect(plain.stdout.match(/<authentication-managed-identity/g)).toHaveLength(2);
    expect(adopted.stdout.match(/<authentication-managed-identity/g)).toHaveLength(1);
  });

  it.each([
    [["policy", "render"], "--profile FILE is required"],
    [["policy", "render", "--profile", profileFile, "--adopt"], "--adopt needs --into POLICY.xml"],
    [["policy", "render", "--profile", join(dirname(profileFile), "missing.json")], "cannot read profile"],
    [["policy", "render", "--profile", file("bad.json", "{")], "is not JSON"],
    [
      [
        "policy",
        "render",
        "--profile",
        file(
          "invalid.json",
          JSON.stringify({ ...profile, callerAuth: { ...profile.callerAuth, tenantId: "not a tenant" } }),
        ),
      ],
      "callerAuth.tenantId must be a tenant GUID",
    ],
    [
      ["policy", "render", "--profile", profileFile, "--into", file("not.xml", "<policies>")],
      "not.xml:1:1: element <policies> is not closed",
    ],
    [["policy", "render", "--profile", profileFile, "--bogus"], "Unknown option '--bogus'"],
    [["policy", "nope"], "unknown command 'policy nope'"],
  ])("exits 2 with one line on stderr for bad input %j", (args, message) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("portcullis policy parse", () => {
  it("prints the profile and what it does not manage as JSON", () => {
    const merged = file(
      "merged.xml",
      run("policy", "render", "--profile", profileFile, "--into", `${fixtures}21-aigw-ghcp-byok-entra.xml`).stdout,
    );
    const result = run("policy", "parse", merged, "--json");
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.profile).toEqual(profile);
    expect(output.unmanaged.map((statement: { element: string }) => statement.element)).toEqual([
      "validate-azure-ad-token",
      "authentication-managed-identity",
      "send-request",
      "set-backend-service",
    ]);
  });

  it("completes backend delivery from --backend", () => {
    const backendProfile = sampleProfiles["apikey-backend--entra"];
    const policy = file(
      "backend.xml",
      run("policy", "render", "--profile", file("backend-profile.json", JSON.stringify(backendProfile))).stdout,
    );
    const without = JSON.parse(run("policy", "parse", policy, "--json").stdout);
    expect(without).toMatchObject({
      profile: null,
      undetermined: [{ path: "backendAuth", backendId: "openai-backend" }],
    });
    const entity = file(
      "entity.json",
      JSON.stringify({ name: "openai-backend", properties: renderBackendEntity(backendProfile)?.properties }),
    );
    expect(JSON.parse(run("policy", "parse", policy, "--json", "--backend", entity).stdout).profile).toEqual(
      backendProfile,
    );
  });

  it("exits 2 for a file that is not XML", () => {
    expect(run("policy", "parse", file("text.xml", "hello"), "--json")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("text.xml:1:1"),
    });
  });
});

describe("portcullis policy lint", () => {
  it("exits 1 and lists findings as JSON when there are errors", () => {
    const result = run("policy", "lint", `${fixtures}35-aigw-streamable-mcp-auth-client.xml`, "--json");
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ code: "caller-validation-without-backend-auth", severity: "error", line: 3 }),
    ]);
  });

  it("exits 0 for a clean policy and checks --named-values", () => {
    const policy = `${fixtures}31-aigw-foundry-model-gateway.xml`;
    expect(run("policy", "lint", policy, "--json")).toMatchObject({ code: 0, stdout: "[]\n" });
    const withKey = file(
      "key.xml",
      run("policy", "render", "--profile", file("key.json", JSON.stringify(sampleProfiles["apikey-header--none"])))
        .stdout,
    );
    expect(run("policy", "lint", withKey, "--named-values", "openai-api-key", "--json")).toMatchObject({ code: 0 });
    const unknown = run("policy", "lint", withKey, "--named-values", "a,b", "--json");
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toEqual([expect.objectContaining({ code: "unknown-named-value" })]);
  });
});

describe("--help", () => {
  it.each([
    [["--help"]],
    [["policy", "--help"]],
    [["policy", "render", "--help"]],
    [["policy", "parse", "--help"]],
    [["policy", "lint", "--help"]],
  ])("%j prints usage and exits 0", (args) => {
    const result = run(...args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: portcullis/);
  });
});

describe("portcullis export", () => {
  it("names what is missing before it connects anywhere", () => {
    expect(run("export", "--out", "exported")).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "portcullis: --instance NAME is required\n",
    });
    expect(run("export", "--instance", "dev", "--bogus")).toMatchObject({ code: 2 });
    expect(run("--help").stdout).toContain("export               write an instance's access profiles");
  });
});

describe("portcullis plan and apply", () => {
  it("exit 1 (never 2, which means changes) naming what is missing before they connect anywhere", () => {
    expect(run("plan", "--instance", "dev")).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "portcullis: --dir DIR is required\n",
    });
    expect(run("apply", "--wait")).toMatchObject({
      code: 1,
      stderr: "portcullis: give either --change-set ID or --dir DIR\n",
    });
    expect(run("apply", "--change-set", "x", "--instance", "dev")).toMatchObject({
      code: 1,
      stderr: "portcullis: --instance needs --dir DIR\n",
    });
    expect(run("plan", "--help").stdout).toMatch(/^Usage: portcullis plan --dir DIR/);
  });
});
