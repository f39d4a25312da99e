import { beforeAll, describe, expect, it } from "vitest";
import { clientCredentialsToken } from "../../test/support/client-credentials-token";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { apimClientForInstance } from "../apim/client-for-instance";
import { minimumInstanceReadRequests } from "../apim";
import { systemContext } from "../auth/system-context";
import { AppError } from "../errors";
import { syncInstance } from "../instances/sync-instance";
import { configureClientDirectory } from "./client-directory";
import { getAccessMatrix } from "./get-access-matrix";
import { graphDirectory } from "./graph-directory";
import type { AccessMatrix } from "./matrix-schemas";

const sandbox = setupSandboxHarness();
const reader = contextFor("reader");

beforeAll(async () => {
  await syncInstance(systemContext(), { instanceId: sandbox.instance.id });
});

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

const rowOf = (matrix: AccessMatrix, name: string) => matrix.rows.find((row) => row.apimName === name)!;

/** Replaces an API's policy in APIM (as someone in the portal would), returning a function that puts it back. */
async function editPolicy(apiName: string, change: (xml: string) => string): Promise<() => Promise<void>> {
  const apim = apimClientForInstance(sandbox.instance);
  const live = (await apim.getApiPolicy(apiName)).value!;
  const written = await apim.putApiPolicy(apiName, change(live.xml), { etag: live.etag });
  return async () => void (await apim.putApiPolicy(apiName, live.xml, { etag: written.value.etag }));
}

describe("the access matrix of an instance", () => {
  it("shows who can call each seeded API, as every scope decides it, read now at the request minimum", async () => {
    await sandbox.controls.clearRequests();
    const matrix = await getAccessMatrix(reader, { instanceId: sandbox.instance.id });
    const sent = await sandbox.controls.requests();

    expect(matrix.rows.map((row) => row.apimName)).toEqual([
      "azure-openai",
      "foundry-models",
      "chat-token-limited",
      "azure-openai-eu",
    ]);
    expect(matrix.unreadable).toEqual([]);
    expect(Date.parse(matrix.readTo)).toBeGreaterThanOrEqual(Date.parse(matrix.readFrom));

    // Foundry: an Entra token of the first caller client for the LLM audience, through the product or none.
    const foundry = rowOf(matrix, "foundry-models");
    expect(foundry.apiId).toBe((await sandbox.db.prisma.api.findFirst({ where: { apimName: "foundry-models" } }))!.id);
    expect(foundry.paths.map((path) => [path.key, path.subscriptionRequired])).toEqual([
      ["llm-standard", true],
      ["", false],
    ]);
    const caller = sandbox.coordinates.callerClients[0]!;
    expect(foundry.paths[1]).toMatchObject({
      // Named values in the policy are read as APIM reads them.
      callerValidation: [{ kind: "validate-azure-ad-token", tenant: sandbox.coordinates.tenantId, scope: "api" }],
      clientApplications: [{ appId: caller.clientId }],
      audiences: [sandbox.coordinates.llmApiAudience],
      backendAuth: ["managedIdentity"],
      backendTargets: ["backend 'foundry-backend'"],
      anyoneCanCall: false,
    });
    expect(foundry.uniform).toBe(true);

    // Azure OpenAI: a subscription key, and a typed secret sent by the backend entity.
    expect(rowOf(matrix, "azure-openai").paths[0]).toMatchObject({
      callerValidation: [],
      backendAuth: ["apiKey"],
      secretKinds: ["typed"],
    });
    // The token-limited chat: its key is a Key Vault reference.
    expect(rowOf(matrix, "chat-token-limited").paths[0]).toMatchObject({ secretKinds: ["keyVault"] });
    // The EU routing overrides the keyed backend with a base URL: APIM attaches no credential.
    expect(rowOf(matrix, "azure-openai-eu").paths[0]).toMatchObject({
      backendAuth: [],
      backendTargets: [expect.stringMatching(/^base URL https:\/\/portcullis-sandbox-aoai-swedencentral/)],
    });

    // The instance read's minimum plus one list of named values and one of backends.
    expect(sent).toHaveLength(matrix.armRequests);
    const shape = {
      products: 1,
      productApis: [2],
      apis: 4,
      apiOperations: [2, 2, 1, 1],
    };
    expect(matrix.armRequests).toBe(minimumInstanceReadRequests(shape, 100) + 2);
  });

  it("filters to the APIs anyone can call and to those with findings", async () => {
    // Foundry needs no subscription key; without its caller check anyone can call it.
    const restoreFoundry = await editPolicy("foundry-models", (xml) =>
      xml.replace(/<validate-azure-ad-token[\s\S]*?<\/validate-azure-ad-token>/, ""),
    );
    // A caller check on Azure OpenAI, which its embeddings operation (no <base /> in inbound) skips.
    const restoreOpenAi = await editPolicy("azure-openai", (xml) =>
      xml.replace(
        "<base />",
        `<base />\n        <validate-azure-ad-token tenant-id="contoso.onmicrosoft.com"><client-application-ids><application-id>33333333-4444-5555-6666-777777777777</application-id></client-application-ids></validate-azure-ad-token>`,
      ),
    );
    try {
      const open = await getAccessMatrix(reader, { instanceId: sandbox.instance.id, anyoneCanCall: true });
      expect(open.rows.map((row) => row.apimName)).toEqual(["foundry-models"]);
      const foundry = rowOf(open, "foundry-models");
      expect(foundry.uniform).toBe(false);
      expect(foundry.paths.map((path) => [path.key, path.anyoneCanCall])).toEqual([
        ["llm-standard", false],
        ["", true],
      ]);
      expect(foundry.paths[1]!.findings.codes).toEqual(["anyone-can-call"]);

      const withFindings = await getAccessMatrix(reader, { instanceId: sandbox.instance.id, hasFindings: true });
      expect(withFindings.rows.map((row) => row.apimName)).toEqual(["azure-openai", "foundry-models"]);
      const openai = rowOf(withFindings, "azure-openai");
      expect(openai.findings.codes).toContain("caller-validation-skipped");
      expect(openai.paths[0]!.operations).toContainEqual(
        expect.objectContaining({
          name: "embeddings_create",
          codes: expect.arrayContaining(["caller-validation-skipped"]),
        }),
      );
      expect(openai.paths[0]!.clientApplications).toEqual([
        { appId: "33333333-4444-5555-6666-777777777777", displayName: null },
      ]);
    } finally {
      await restoreFoundry();
      await restoreOpenAi();
    }
  });

  it("names client applications from Microsoft Graph (the sandbox's), Portcullis's own as the Portcullis probe", async () => {
    const probe = sandbox.coordinates.webClient.clientId;
    const caller = sandbox.coordinates.callerClients[0]!;
    const restore = await editPolicy("foundry-models", (xml) =>
      xml.replace("<client-application-ids>", `<client-application-ids><application-id>${probe}</application-id>`),
    );
    try {
      const matrix = await getAccessMatrix(reader, { instanceId: sandbox.instance.id });
      expect(matrix.directory).toBe("graph");
      expect(matrix.directoryProblem).toBeNull();
      expect(rowOf(matrix, "foundry-models").paths[1]!.clientApplications).toEqual([
        { appId: probe, displayName: "Portcullis probe" },
        { appId: caller.clientId, displayName: caller.displayName },
      ]);

      // Graph refusing (an app without Application.Read.All): the ids stay, with the reason; the probe is still named.
      const automation = sandbox.coordinates.automationClient;
      configureClientDirectory(
        graphDirectory({
          endpoint: sandbox.coordinates.graphEndpoint,
          token: () => clientCredentialsToken(sandbox.coordinates, automation, GRAPH_SCOPE),
        }),
      );
      const refused = await getAccessMatrix(reader, { instanceId: sandbox.instance.id });
      expect(refused.directoryProblem).toBe(
        "Microsoft Graph could not name the client applications, so they are shown by id: 403 Authorization_RequestDenied: Insufficient privileges to complete the operation. (the app needs the Application.Read.All permission)",
      );
      expect(rowOf(refused, "foundry-models").paths[1]!.clientApplications).toEqual([
        { appId: probe, displayName: "Portcullis probe" },
        { appId: caller.clientId, displayName: null },
      ]);
    } finally {
      configureClientDirectory(undefined);
      await restore();
    }
  });

  it("shows a scope ARM refuses as unreadable with ARM's status and ids, and what could not be concluded", async () => {
    await sandbox.controls.setFaults({
      rules: [{ kind: "forbidden", match: { path: "/products/[^/]+/policies/policy$" } }],
    });
    let matrix: AccessMatrix;
    try {
      matrix = await getAccessMatrix(reader, { instanceId: sandbox.instance.id });
    } finally {
      await sandbox.controls.clearFaults();
    }
    const foundry = rowOf(matrix, "foundry-models");
    expect(foundry.unreadable).toEqual([
      expect.objectContaining({
        what: "the policy of product 'LLM Standard'",
        status: 403,
        armCode: "AuthorizationFailed",
        requestIds: [expect.any(String)],
      }),
    ]);
    expect(foundry.paths[0]!.findings.notConcluded.length).toBeGreaterThan(0);
    // The API in no product is read in full.
    expect(rowOf(matrix, "azure-openai-eu").unreadable).toEqual([]);
  });

  it("needs config.read, and names an instance that does not exist", async () => {
    await expect(getAccessMatrix(contextFor("none"), { instanceId: sandbox.instance.id })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(
      getAccessMatrix(reader, { instanceId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toBeInstanceOf(AppError);
  });
});
