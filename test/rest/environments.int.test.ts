import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as apiList from "../../app/api/v1/apis/route";
import * as accessProfile from "../../app/api/v1/apis/[id]/access-profile/route";
import * as promotions from "../../app/api/v1/apis/[id]/promotions/route";
import * as variables from "../../app/api/v1/environments/[name]/variables/route";
import * as instanceList from "../../app/api/v1/instances/route";
import * as secretList from "../../app/api/v1/instances/[id]/secrets/route";
import { exportInstance } from "../../cli/export";
import type { RestGet } from "../../cli/portcullis-client";
import { readProfileDirectory } from "../../lib/profile-files/read-profile-directory";
import { callRoute } from "../support/call-route";
import { apiIdOf } from "../support/deployment-fixtures";
import {
  profileWrittenWithVariables,
  putInEnvironment,
  registerProductionInstance,
} from "../support/environment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

const sandbox = setupSandboxHarness({ productionService: true });
const admin = contextFor("admin");
let pipeline = "";
let reader = "";
let devApiId = "";
let productionId = "";

const written = profileWrittenWithVariables([]);
const developmentValues = {
  chatApp: "11111111-1111-1111-1111-111111111111",
  keyName: "azure-openai-api-key",
  tenant: "dev.onmicrosoft.com",
};

const putVariables = (token: string, environment: string, body: unknown) =>
  callRoute(variables.PUT, {
    path: `/environments/${environment}/variables`,
    params: { name: environment },
    method: "PUT",
    token,
    body,
  });

beforeAll(async () => {
  pipeline = await sandbox.tokens.automation();
  reader = await sandbox.tokens.user("reader");
  await putInEnvironment(admin, sandbox.instance.id, "development");
  productionId = (await registerProductionInstance(admin, sandbox.coordinates, "production")).id;
  await apiIdOf(admin, productionId, "azure-openai");
  devApiId = await apiIdOf(admin, sandbox.instance.id, "azure-openai");
});

describe("environment variables over REST", () => {
  it("are replaced by PUT and read back by GET; bad names and key-like values are refused per field", async () => {
    const saved = await putVariables(pipeline, "development", { variables: developmentValues });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      environment: "development",
      variables: developmentValues,
      instances: ["sandbox"],
    });
    const read = await callRoute(variables.GET, {
      path: "/environments/development/variables",
      params: { name: "development" },
      token: reader,
    });
    expect(read.body).toMatchObject({ variables: developmentValues });
    const refused = await putVariables(pipeline, "development", {
      variables: { "bad name": "x", key: "8f2d1c0b9a7e4f6d8c2b1a0e9f7d6c5b" },
    });
    expect(refused.status).toBe(400);
    expect((refused.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path)).toEqual([
      "variables.bad name",
      "variables.key",
    ]);
    expect((await putVariables(reader, "development", { variables: {} })).status).toBe(403);
  });
});

describe("a profile written with variables", () => {
  it("is saved resolved with the instance's environment, and promotion names each variable production lacks", async () => {
    const put = await callRoute(accessProfile.PUT, {
      path: `/apis/${devApiId}/access-profile`,
      params: { id: devApiId },
      method: "PUT",
      token: pipeline,
      body: written,
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ written, profile: { callerAuth: { tenantId: "dev.onmicrosoft.com" } } });

    const promote = (token: string) =>
      callRoute(promotions.POST, {
        path: `/apis/${devApiId}/promotions`,
        params: { id: devApiId },
        token,
        body: { targetInstanceId: productionId },
      });
    expect((await promote(reader)).status).toBe(403);
    const refused = await promote(pipeline);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({
      code: "variables-missing",
      environment: "production",
      missingVariables: [
        { name: "chatApp", paths: ["callerAuth.clientApplicationIds[0]"] },
        { name: "keyName", paths: ["backendAuth.namedValue"] },
        { name: "tenant", paths: ["callerAuth.tenantId"] },
      ],
    });
  });

  it("is exported with the environment's variables as YAML files that read back the same", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "portcullis-export-"));
    try {
      const files = await exportInstance(restGet(pipeline), "sandbox", out);
      expect(files).toEqual([path.join("apis", "azure-openai.yaml"), "environment.yaml"]);
      const text = await readFile(path.join(out, "apis", "azure-openai.yaml"), "utf8");
      expect(text).toContain("namedValue: ${keyName}");
      const read = await readProfileDirectory(out);
      if (!read.ok) throw new Error(JSON.stringify(read.problems));
      expect(read.directory.apis[0]?.content).toEqual({
        kind: "AccessProfile",
        api: "azure-openai",
        instance: "sandbox",
        adopt: false,
        variables: ["chatApp", "keyName", "tenant"],
        profile: written,
      });
      expect(read.directory.environment?.content).toEqual({
        kind: "EnvironmentVariables",
        environment: "development",
        variables: developmentValues,
      });
      // Exporting again gives the same bytes: the files diff cleanly in Git.
      await exportInstance(restGet(pipeline), "sandbox", out);
      expect(await readFile(path.join(out, "apis", "azure-openai.yaml"), "utf8")).toBe(text);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

/** The CLI's REST reads, answered by the route handlers in-process. */
function restGet(token: string): RestGet {
  const routes: Array<[RegExp, Parameters<typeof callRoute>[0], (match: RegExpExecArray) => Record<string, string>]> = [
    [/^\/instances(\?|$)/, instanceList.GET, () => ({})],
    [/^\/apis(\?|$)/, apiList.GET, () => ({})],
    [/^\/apis\/([^/?]+)\/access-profile$/, accessProfile.GET, (match) => ({ id: match[1]! })],
    [/^\/environments\/([^/?]+)\/variables$/, variables.GET, (match) => ({ name: match[1]! })],
    [/^\/instances\/([^/?]+)\/secrets(\?|$)/, secretList.GET, (match) => ({ id: match[1]! })],
  ];
  return async (resource) => {
    for (const [pattern, handler, params] of routes) {
      const match = pattern.exec(resource);
      if (!match) continue;
      const answer = await callRoute(handler, { path: resource, params: params(match), token });
      if (answer.status !== 200) throw new Error(`GET ${resource}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    }
    throw new Error(`no route for ${resource}`);
  };
}
