import { describe, expect, it } from "vitest";
import { chainWaitingEvents } from "../audit/chain-sequencer";
import { apimClientForInstance } from "../apim/client-for-instance";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { createPlan } from "./create-plan";
import { getPlan } from "./get-plan";
import { startDeployment } from "./start-deployment";
import {
  apiIdOf,
  dropBackendSelection,
  planAndApply,
  profiles,
  saveProfile,
} from "../../test/support/deployment-fixtures";
import { appErrorOf } from "../../test/support/app-error";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const apim = () => apimClientForInstance(sandbox.instance);

/**
 * A fresh API: with the seed's hand-written policy routing to the seeded backend, with that policy
 * less its backend selection (only <base />: a profile with a backend of its own would otherwise
 * be undone by that later selection, and its plan blocked), or with no policy at all.
 */
async function newApi(
  prefix: string,
  policy: "hand-written" | "base-only" | "none" = "hand-written",
): Promise<{ id: string; name: string }> {
  const [name] = await sandbox.controls.seedApis(1, { prefix, withPolicy: policy !== "none" });
  if (policy === "base-only") await dropBackendSelection(apim(), [name!]);
  return { id: await apiIdOf(admin, sandbox.instance.id, name!), name: name! };
}

describe("making a plan", () => {
  it("updates the policy with the ETag it read, and is empty right after the apply although APIM re-serialised what was sent", async () => {
    const api = await newApi("plan-sync");
    // An apostrophe: the engine writes &apos;, APIM stores a plain ', so the bytes differ.
    await saveProfile(admin, api.id, {
      ...profiles.headerKey(),
      callerAuth: {
        ...(profiles.headerKey().callerAuth as object),
        failedValidation: { message: "Don't call without a token" },
      },
    } as never);
    const live = (await apim().getApiPolicy(api.name)).value!;

    const { plan, deployment } = await planAndApply(admin, api.id);

    expect(plan.operations).toEqual([
      {
        seq: 1,
        kind: "policy.update",
        target: api.name,
        expected: { etag: live.etag },
        xml: expect.stringContaining("portcullis:begin"),
      },
    ]);
    expect(plan.diff.policy).toMatchObject({ changed: true, before: live.xml });
    expect(deployment.status).toBe("succeeded");
    const stored = (await apim().getApiPolicy(api.name)).value!;
    const sent = plan.operations[0]!.kind === "policy.update" ? plan.operations[0]!.xml : "";
    expect(stored.xml).not.toBe(sent);
    expect(stored.xml).toContain("Don't call");
    expect(sent).toContain("Don&apos;t call");

    const again = await createPlan(admin, { apiId: api.id });
    expect(again.operations).toEqual([]);
    expect(again).toMatchObject({ empty: true, blocked: false });
    expect(again.diff.summary).toBe("No changes: APIM already matches access profile version 1.");
  });

  it("creates the backend before the policy that selects it, and deletes it only after the policy stops selecting it", async () => {
    const api = await newApi("plan-order", "base-only");
    await saveProfile(admin, api.id, profiles.backendKey(`${api.name}-backend`));

    const first = await planAndApply(admin, api.id);
    expect(first.plan.operations.map((operation) => [operation.kind, operation.expected])).toEqual([
      ["backend.create", "absent"],
      ["policy.update", { etag: expect.any(String) }],
    ]);
    expect(first.deployment.status).toBe("succeeded");
    const backend = (await apim().getBackend(`${api.name}-backend`)).value!;
    expect(backend.properties).toMatchObject({
      url: "https://contoso.openai.azure.com/openai",
      credentials: { header: { "api-key": ["{{azure-openai-api-key}}"] } },
    });

    await saveProfile(admin, api.id, profiles.headerKey());
    const second = await planAndApply(admin, api.id);
    expect(second.plan.operations.map((operation) => [operation.kind, operation.target, operation.expected])).toEqual([
      ["policy.update", api.name, { etag: first.deployment.result!.policy!.etag }],
      ["backend.delete", `${api.name}-backend`, { etag: backend.etag }],
    ]);
    expect(second.plan.diff.backends).toEqual([
      expect.objectContaining({ backendId: `${api.name}-backend`, action: "delete" }),
    ]);
    expect(second.deployment.status).toBe("succeeded");
    expect((await apim().getBackend(`${api.name}-backend`)).value).toBeNull();
  });

  it("keeps a backend it created while another API's current profile still uses it", async () => {
    const owner = await newApi("plan-owner", "base-only");
    const other = await newApi("plan-other", "base-only");
    const shared = `${owner.name}-shared`;
    await saveProfile(admin, owner.id, profiles.backendKey(shared));
    await planAndApply(admin, owner.id);
    await saveProfile(admin, other.id, profiles.backendKey(shared));
    const adopted = await planAndApply(admin, other.id);
    expect(adopted.plan.operations.map((operation) => operation.kind)).toEqual(["policy.update"]);

    await saveProfile(admin, owner.id, profiles.headerKey());
    const plan = await createPlan(admin, { apiId: owner.id });

    expect(plan.operations.map((operation) => operation.kind)).toEqual(["policy.update"]);
    expect(plan.diff.backends).toEqual([
      {
        backendId: shared,
        action: "kept",
        changes: [],
        note: `Kept: still used by the access profile of '${other.name}'.`,
      },
    ]);
  });

  it("refuses a profile whose named value does not exist, naming it, and stores no plan", async () => {
    const api = await newApi("plan-missing");
    await saveProfile(admin, api.id, {
      ...profiles.headerKey(),
      backendAuth: { mode: "apiKey", namedValue: "not-created-yet", headerName: "api-key", delivery: "setHeader" },
    });
    const plansBefore = await sandbox.db.prisma.plan.count();

    const error = await appErrorOf(createPlan(admin, { apiId: api.id }));

    expect(error.code).toBe("conflict");
    expect(error.message).toContain("named value 'not-created-yet', which does not exist");
    expect(error.details).toEqual({ missingNamedValues: ["not-created-yet"] });
    expect(await sandbox.db.prisma.plan.count()).toBe(plansBefore);
  });

  it("shows named values by fingerprint only, and audits the plan with its summary", async () => {
    const api = await newApi("plan-fingerprint");
    await sandbox.db.prisma.secret.upsert({
      where: { instanceId_namedValueId: { instanceId: sandbox.instance.id, namedValueId: "azure-openai-api-key" } },
      create: {
        instanceId: sandbox.instance.id,
        namedValueId: "azure-openai-api-key",
        displayName: "azure-openai-api-key",
        kind: "value",
        fingerprint: "hmac-sha256:0f1e2d",
        createdBy: "test",
      },
      update: {},
    });
    await saveProfile(admin, api.id, profiles.headerKey());

    const plan = await createPlan(admin, { apiId: api.id });

    expect(plan.diff.namedValues).toEqual([
      {
        displayName: "azure-openai-api-key",
        namedValueId: "azure-openai-api-key",
        secret: true,
        keyVaultSecretId: null,
        fingerprint: "hmac-sha256:0f1e2d",
      },
    ]);
    // The seeded secret's value (see sandbox/apim/seed/initial-seed.ts) is nowhere in the plan.
    expect(JSON.stringify(await sandbox.db.prisma.plan.findUnique({ where: { id: plan.id } }))).not.toContain(
      "sandbox-aoai-key-0000000000000000",
    );
    // Read as stored: the plan's event joins the chain while createPlan returns; readers chain first.
    await chainWaitingEvents(sandbox.db.prisma);
    const event = await sandbox.db.prisma.auditEvent.findFirst({ where: { action: "plan.create", targetId: plan.id } });
    expect(event).toMatchObject({
      targetType: "plan",
      outcome: "success",
      actorOid: admin.actor.oid,
      armCorrelationId: admin.requestId,
    });
    expect(event!.after).toMatchObject({
      apiId: api.id,
      purpose: "profile",
      profileVersion: 1,
      summary: plan.diff.summary,
      operations: [{ seq: 1, kind: "policy.update", target: api.name }],
    });
    expect(await getPlan(contextFor("reader"), { planId: plan.id })).toEqual(plan);
  });

  it("merges into a hand-written rawxml policy and keeps every statement it does not manage", async () => {
    const apiId = await apiIdOf(admin, sandbox.instance.id, "chat-token-limited");
    await saveProfile(admin, apiId, profiles.headerKey());

    const plan = await createPlan(admin, { apiId });

    const operation = plan.operations[0]!;
    expect(operation.kind).toBe("policy.update");
    const xml = operation.kind === "policy.update" ? operation.xml : "";
    for (const kept of [
      "llm-token-limit",
      "llm-emit-token-metric",
      'set-backend-service backend-id="foundry-backend-key"',
      "x-remaining-tokens",
    ])
      expect(xml).toContain(kept);
    expect(plan.diff.namedValues.map((value) => value.displayName).sort()).toEqual([
      "azure-openai-api-key",
      "entra-tenant-id",
    ]);
  });

  it("lists lint errors, and a plan with errors cannot be applied", async () => {
    const api = await newApi("plan-lint", "none");
    // Callers are validated but nothing authenticates to the backend.
    await saveProfile(admin, api.id, { backendAuth: { mode: "none" }, callerAuth: profiles.headerKey().callerAuth });

    const plan = await createPlan(admin, { apiId: api.id });

    expect(plan.operations.map((operation) => [operation.kind, operation.expected])).toEqual([
      ["policy.create", "absent"],
    ]);
    expect(plan.blocked).toBe(true);
    expect(plan.diff.lint.findings.map((finding) => finding.code)).toContain("caller-validation-without-backend-auth");
    const refused = await appErrorOf(startDeployment(admin, { planId: plan.id }));
    expect(refused.code).toBe("conflict");
    expect(refused.message).toContain("caller-validation-without-backend-auth");
    expect(await sandbox.db.prisma.deployment.count({ where: { planId: plan.id } })).toBe(0);
  });

  it("is blocked with the reason when another statement would undo the profile, and cannot be applied", async () => {
    // The seed's hand-written <set-backend-service> runs after the Portcullis block and replaces its backend.
    const api = await newApi("plan-undone");
    await saveProfile(admin, api.id, profiles.backendKey(`${api.name}-backend`));

    const plan = await createPlan(admin, { apiId: api.id });

    expect(plan.blocked).toBe(true);
    expect(plan.diff.lint.blocking).toBe(false);
    expect(plan.diff.effectiveAccess).toMatchObject({ blocking: true, notConcluded: [] });
    const [overridden] = plan.diff.effectiveAccess!.findings.filter((finding) => finding.severity === "blocking");
    expect(overridden).toMatchObject({
      code: "managed-backend-overridden",
      scope: "api",
      scopeId: api.name,
      where: ["no product (an API-scoped or all-APIs subscription key)"],
    });
    expect(plan.diff.policy.after!.split("\n")[overridden!.line - 1]).toContain(
      '<set-backend-service backend-id="azure-openai-backend" />',
    );
    expect(await getPlan(admin, { planId: plan.id })).toMatchObject({ blocked: true });

    const refused = await appErrorOf(startDeployment(admin, { planId: plan.id }));
    expect(refused.code).toBe("effective-access-blocked");
    expect(refused.message).toContain(`managed-backend-overridden (api policy ${api.name}, line ${overridden!.line})`);
    expect(await sandbox.db.prisma.deployment.count({ where: { planId: plan.id } })).toBe(0);
    // Read as stored: the plan's event joins the chain while createPlan returns; readers chain first.
    await chainWaitingEvents(sandbox.db.prisma);
    const event = await sandbox.db.prisma.auditEvent.findFirst({ where: { action: "plan.create", targetId: plan.id } });
    expect((event!.after as { effectiveAccessBlocking: unknown[] }).effectiveAccessBlocking).toEqual([
      { code: "managed-backend-overridden", scope: "api", scopeId: api.name, line: overridden!.line },
    ]);
  });

  it("is blocked when an operation's own policy skips the API's caller validation", async () => {
    // The seeded embeddings operation of Azure OpenAI drops <base />: the profile's caller check never runs for it.
    const id = await apiIdOf(admin, sandbox.instance.id, "azure-openai");
    await saveProfile(admin, id, profiles.headerKey());

    const plan = await createPlan(admin, { apiId: id });

    expect(plan.blocked).toBe(true);
    expect(plan.diff.effectiveAccess!.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: "caller-validation-skipped",
          severity: "blocking",
          scope: "operation",
          scopeId: "embeddings_create",
          where: [
            "operation embeddings_create through product 'LLM Standard' (subscription key required)",
            "operation embeddings_create through no product (an API-scoped or all-APIs subscription key)",
          ],
        }),
      ]),
    );
    expect((await appErrorOf(startDeployment(admin, { planId: plan.id }))).code).toBe("effective-access-blocked");
  });

  it("is a change: readers and reviewers may not plan, and a restore plan needs something applied first", async () => {
    const api = await newApi("plan-roles");
    await saveProfile(admin, api.id, profiles.headerKey());
    for (const role of ["reader", "reviewer"] as const)
      expect((await appErrorOf(createPlan(contextFor(role), { apiId: api.id }))).code).toBe("forbidden");
    expect((await appErrorOf(createPlan(admin, { apiId: api.id, purpose: "drift" }))).code).toBe("not_found");
    expect((await appErrorOf(createPlan(admin, { apiId: "00000000-0000-4000-8000-000000000000" }))).code).toBe(
      "not_found",
    );
  });
});
