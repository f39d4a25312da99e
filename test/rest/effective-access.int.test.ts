import { beforeAll, describe, expect, it } from "vitest";
import * as accessChecks from "../../app/api/v1/apis/[id]/access-checks/route";
import * as effectiveAccess from "../../app/api/v1/apis/[id]/effective-access/route";
import type { AccessCheckView, EffectiveAccessView } from "../../lib/access/schemas";
import { apimClientForInstance } from "../../lib/apim/client-for-instance";
import { accessProfileSchema, mergePolicy, type AccessProfileInput } from "../../lib/policy";
import { callRoute } from "../support/call-route";
import { apiIdOf, profiles } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
let reader = "";

beforeAll(async () => {
  reader = await sandbox.tokens.user("reader");
});

const getAccess = async (id: string) =>
  callRoute(effectiveAccess.GET, { path: `/apis/${id}/effective-access`, token: reader, params: { id } });
const check = async (id: string, body: unknown, token = reader) =>
  callRoute(accessChecks.POST, { path: `/apis/${id}/access-checks`, token, params: { id }, body });

/** Writes the Portcullis block of `profile` into the API's live policy, keeping its hand-written statements, as an earlier push would have. */
async function pushBlock(apimName: string, profile: AccessProfileInput): Promise<void> {
  const apim = apimClientForInstance(sandbox.instance);
  const { value: live } = await apim.getApiPolicy(apimName);
  const merged = mergePolicy(live!.xml, accessProfileSchema.parse(profile));
  if (!merged.ok) throw new Error(merged.error.message);
  await apim.putApiPolicy(apimName, merged.text, { etag: live!.etag });
}

describe("REST: effective access", () => {
  it("shows each path with the statements that decide access, when the scopes were read, and no finding where there is none", async () => {
    const id = await apiIdOf(admin, sandbox.instance.id, "foundry-models");
    const before = new Date().toISOString();
    const response = await getAccess(id);
    expect(response.status).toBe(200);
    const view = response.body as EffectiveAccessView;
    expect(view.readFrom >= before && view.readTo >= view.readFrom).toBe(true);
    expect(view.unreadable).toEqual([]);
    expect(view.paths.map((path) => [path.productId, path.label])).toEqual([
      ["llm-standard", "product 'LLM Standard' (subscription key required)"],
      [null, "no product (no subscription key required)"],
    ]);
    const direct = view.paths[1]!;
    expect(direct.statements.map((statement) => [statement.element, statement.scope, statement.line])).toEqual([
      ["validate-azure-ad-token", "api", 4],
      ["set-header", "api", 12],
      ["set-backend-service", "api", 13],
    ]);
    expect(direct.statements[0]).toMatchObject({ scopeId: "foundry-models", managed: false, role: "caller-check" });
    expect(direct.findings).toEqual([]);
    // The client its caller check names (through a named value), by its name in (the sandbox's) Microsoft Graph.
    const caller = sandbox.coordinates.callerClients[0]!;
    expect(view.clientApplications).toEqual([{ appId: caller.clientId, displayName: caller.displayName }]);
    expect(view.directory).toBe("graph");
    expect(view.directoryProblem).toBeNull();
  });

  it("finds the seeded operation that skips <base /> and the hand-written backend override once a profile's block is in the policy", async () => {
    await pushBlock("azure-openai", profiles.headerKey());
    await pushBlock("azure-openai-eu", profiles.backendKey("azure-openai-backend"));

    const openai = (await getAccess(await apiIdOf(admin, sandbox.instance.id, "azure-openai")))
      .body as EffectiveAccessView;
    expect(openai.blocking).toBe(true);
    for (const path of openai.paths) {
      expect(path.findings).toEqual([]);
      const [embeddings] = path.operations;
      expect(embeddings?.operationId).toBe("embeddings_create");
      expect(embeddings!.findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: "caller-validation-skipped",
            severity: "blocking",
            scope: "operation",
            scopeId: "embeddings_create",
          }),
        ]),
      );
      expect(embeddings!.differences).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^does not run <validate-azure-ad-token> on line \d+ of the API policy$/),
        ]),
      );
    }

    const eu = (await getAccess(await apiIdOf(admin, sandbox.instance.id, "azure-openai-eu")))
      .body as EffectiveAccessView;
    const regional = eu.paths[0]!.statements.find((statement) => statement.summary.includes("swedencentral"))!;
    expect(regional).toMatchObject({ element: "set-backend-service", managed: false });
    expect(eu.paths[0]!.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: "managed-backend-overridden",
          severity: "blocking",
          scope: "api",
          scopeId: "azure-openai-eu",
          line: regional.line,
        }),
      ]),
    );
  });

  it("shows a scope ARM refuses as unreadable with ARM's status and request id, and says what it could not conclude", async () => {
    const id = await apiIdOf(admin, sandbox.instance.id, "foundry-models");
    await sandbox.controls.setFaults({ rules: [{ kind: "forbidden", match: { path: "/products/[^/]+/policies/" } }] });
    try {
      const view = (await getAccess(id)).body as EffectiveAccessView;
      expect(view.unreadable).toEqual([
        expect.objectContaining({
          what: "the policy of product 'LLM Standard'",
          status: 403,
          armCode: "AuthorizationFailed",
          requestIds: [expect.any(String)],
        }),
      ]);
      const throughProduct = view.paths.find((path) => path.productId === "llm-standard")!;
      expect(throughProduct.scopes.find((scope) => scope.scope === "product")).toMatchObject({
        status: "unreadable",
        armStatus: 403,
        requestId: view.unreadable[0]!.requestIds[0],
      });
      expect(throughProduct.notConcluded.length).toBeGreaterThan(0);
      expect(throughProduct.notConcluded[0]!.reason).toContain("could not be read");
    } finally {
      await sandbox.controls.clearFaults();
    }
  });

  it("what-if: the allowed client's token is allowed, another client's is denied by the line that denies it, an expired one too", async () => {
    const id = await apiIdOf(admin, sandbox.instance.id, "foundry-models");
    const allowedToken = await sandbox.tokens.caller(0);
    const allowed = await check(id, { token: allowedToken });
    expect(allowed.status).toBe(200);
    const result = allowed.body as AccessCheckView;
    expect(result).toMatchObject({
      decision: "allowed",
      decidedBy: { element: "validate-azure-ad-token", scope: "api", scopeId: "foundry-models", line: 4 },
      productId: null,
    });
    expect(result.signature).toMatch(/signature is NOT checked/);
    expect(result.backendCall?.target).toContain("foundry-backend");

    const other = await check(id, { token: await sandbox.tokens.caller(1) });
    expect(other.body).toMatchObject({
      decision: "denied",
      decidedBy: { element: "validate-azure-ad-token", scope: "api", line: 4 },
      response: { status: 401, message: "Unauthorized. Access token is missing or invalid." },
    });

    const later = await check(id, { token: allowedToken, at: new Date(Date.now() + 24 * 3600_000).toISOString() });
    expect(later.body).toMatchObject({ decision: "denied", decidedBy: { line: 4 }, response: { status: 401 } });
    expect(JSON.stringify((later.body as AccessCheckView).steps)).toMatch(/expired|exp/);

    // The check is audited (who, which API, the decision); the token is not.
    const events = await sandbox.db.prisma.auditEvent.findMany({ where: { action: "access.check", targetId: id } });
    expect(events.map((event) => (event.after as { decision: string }).decision)).toEqual([
      "allowed",
      "denied",
      "denied",
    ]);
    const stored = JSON.stringify(events.map(({ before, after }) => ({ before, after })));
    expect(stored).not.toContain(allowedToken.split(".")[1]!);
    expect(stored).not.toContain(allowedToken.split(".")[2]!);
  });

  it("refuses a malformed token or claims object with 400 naming what is wrong, never repeating the token", async () => {
    const id = await apiIdOf(admin, sandbox.instance.id, "foundry-models");
    const garbage = "eyJhbGciOiJSUzI1NiJ9.not~base64.c2ln";
    const bad = await check(id, { token: garbage });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "bad_request", errors: [{ path: "token" }] });
    expect(JSON.stringify(bad.body)).not.toContain("not~base64");

    const badClaims = await check(id, { claims: { exp: "tomorrow" } });
    expect(badClaims.body).toMatchObject({
      status: 400,
      errors: [{ path: "claims", message: "claim exp must be a number of seconds since 1970 (a JWT NumericDate)" }],
    });
    const neither = await check(id, {});
    expect(neither.status).toBe(400);
    const unknownProduct = await check(id, { claims: {}, productId: "gold" });
    expect(unknownProduct.body).toMatchObject({
      status: 400,
      errors: [{ path: "productId", message: "no product 'gold' holds this API" }],
    });
  });

  it("checks claims through a product to an operation", async () => {
    const id = await apiIdOf(admin, sandbox.instance.id, "foundry-models");
    const response = await check(id, {
      claims: { aud: "api://nobody", tid: sandbox.coordinates.tenantId },
      productId: "llm-standard",
      operationId: "getChatCompletions",
    });
    expect(response.body).toMatchObject({
      decision: "denied",
      productId: "llm-standard",
      operationId: "getChatCompletions",
      decidedBy: { line: 4 },
    });
  });
});
