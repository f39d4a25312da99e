import { beforeAll, describe, expect, it } from "vitest";
import * as matrixRoute from "../../app/api/v1/instances/[id]/access-matrix/route";
import * as exportRoute from "../../app/api/v1/instances/[id]/access-matrix/export/route";
import * as clientRoute from "../../app/api/v1/client-applications/[appId]/access/route";
import { apimClientForInstance } from "../../lib/apim/client-for-instance";
import type { AccessMatrix, ClientApplicationAccess } from "../../lib/access/matrix-schemas";
import { systemContext } from "../../lib/auth/system-context";
import { syncInstance } from "../../lib/instances/sync-instance";
import { callRoute } from "../support/call-route";
import { setupSandboxHarness } from "../support/sandbox-harness";

const sandbox = setupSandboxHarness();
let reader = "";
beforeAll(async () => {
  reader = await sandbox.tokens.user("reader");
  await syncInstance(systemContext(), { instanceId: sandbox.instance.id });
});

const matrixCall = (query = "", id = sandbox.instance.id) => ({
  path: `/instances/${id}/access-matrix${query}`,
  params: { id },
  token: reader,
});

describe("REST: the access matrix", () => {
  it("answers every API of the instance with its columns, read now", async () => {
    const response = await callRoute(matrixRoute.GET, matrixCall());

    expect(response.status).toBe(200);
    const matrix = response.body as AccessMatrix;
    expect(matrix.instanceId).toBe(sandbox.instance.id);
    expect(matrix.rows.map((row) => row.apimName)).toEqual([
      "azure-openai",
      "foundry-models",
      "chat-token-limited",
      "azure-openai-eu",
    ]);
    const foundry = matrix.rows.find((row) => row.apimName === "foundry-models")!;
    expect(foundry.paths[1]).toMatchObject({
      key: "",
      subscriptionRequired: false,
      clientApplications: [{ appId: sandbox.coordinates.callerClients[0]!.clientId }],
      backendAuth: ["managedIdentity"],
    });
    expect(matrix.armRequests).toBeGreaterThan(0);
  });

  it("filters with anyoneCanCall and hasFindings, and refuses a filter that is not true or false", async () => {
    const open = await callRoute(matrixRoute.GET, matrixCall("?anyoneCanCall=true"));
    expect((open.body as AccessMatrix).rows).toEqual([]);
    const findings = await callRoute(matrixRoute.GET, matrixCall("?hasFindings=true&anyoneCanCall=false"));
    expect((findings.body as AccessMatrix).rows).toEqual([]);

    const bad = await callRoute(matrixRoute.GET, matrixCall("?hasFindings=yes"));
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path)).toEqual([
      "query.hasFindings",
    ]);
  });

  it("answers 401 without a token, 400 for an id that is not one and 404 for an unknown instance", async () => {
    expect((await callRoute(matrixRoute.GET, { ...matrixCall(), token: undefined })).status).toBe(401);
    expect((await callRoute(matrixRoute.GET, matrixCall("", "nope"))).status).toBe(400);
    expect((await callRoute(matrixRoute.GET, matrixCall("", "00000000-0000-4000-8000-000000000000"))).status).toBe(404);
  });

  it("exports CSV, one line per API and path, with cells a spreadsheet cannot run as formulas", async () => {
    // A hand-written audience that a spreadsheet would run as a formula.
    const apim = apimClientForInstance(sandbox.instance);
    const live = (await apim.getApiPolicy("chat-token-limited")).value!;
    const hostile = live.xml.replace(
      "</client-application-ids>",
      '</client-application-ids><audiences><audience>=HYPERLINK("https://evil.example")</audience></audiences>',
    );
    const written = await apim.putApiPolicy("chat-token-limited", hostile, { etag: live.etag });
    let response;
    try {
      response = await callRoute(exportRoute.GET, {
        ...matrixCall(),
        path: `/instances/${sandbox.instance.id}/access-matrix/export`,
      });
    } finally {
      await apim.putApiPolicy("chat-token-limited", live.xml, { etag: written.value.etag });
    }

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="portcullis-access-sandbox-.*\.csv"$/,
    );
    const lines = (response.body as string).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^instance,api,apim_name,path,subscription_required,caller_validation,/);
    // azure-openai and foundry-models: the product and no product; the two others: no product.
    expect(lines).toHaveLength(1 + 2 + 2 + 1 + 1);
    const chat = lines.find((line) => line.includes(",chat-token-limited,"))!;
    expect(chat).toContain(`"'=HYPERLINK(""https://evil.example"")"`);
    expect(chat).not.toMatch(/,=HYPERLINK/);
  });
});

describe("REST: which APIs a client application can call", () => {
  const clientCall = (appId: string) => ({
    path: `/client-applications/${appId}/access`,
    params: { appId },
    token: reader,
  });

  it("lists the paths whose token validation names the application, with what else its token needs", async () => {
    const caller = sandbox.coordinates.callerClients[0]!;
    const response = await callRoute(clientRoute.GET, clientCall(caller.clientId));

    expect(response.status).toBe(200);
    const access = response.body as ClientApplicationAccess;
    expect(access.items.map((item) => [item.instanceName, item.apimName, item.paths.map((path) => path.key)])).toEqual([
      ["sandbox", "foundry-models", ["llm-standard", ""]],
    ]);
    expect(access.items[0]!.paths[1]).toMatchObject({
      reason: "listed",
      conditions: [
        `a token of tenant ${sandbox.coordinates.tenantId}`,
        `for audience ${sandbox.coordinates.llmApiAudience}`,
      ],
    });
    expect(access.unreadable).toEqual([]);
  });

  it("lists nothing for an application no validation names, and refuses an id that is not a GUID", async () => {
    const other = await callRoute(clientRoute.GET, clientCall("99999999-8888-7777-6666-555555555555"));
    expect((other.body as ClientApplicationAccess).items).toEqual([]);

    const bad = await callRoute(clientRoute.GET, clientCall("not-an-app"));
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path)).toEqual(["path.appId"]);
  });
});
