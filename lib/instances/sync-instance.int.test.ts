import { describe, expect, it } from "vitest";
import { getApi } from "../apis/get-api";
import { listApis } from "../apis/list-apis";
import { verifyAuditChain } from "../audit/verify-audit-chain";
import { AppError } from "../errors";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { sandboxArm } from "../../test/support/sandbox-arm";
import { listInstances } from "./list-instances";
import { syncInstance } from "./sync-instance";

// A small page size makes discovery follow nextLink across several pages.
const sandbox = setupSandboxHarness({ pageSize: 2 });
const admin = contextFor("admin");
const reader = contextFor("reader");
const arm = sandboxArm(() => sandbox.coordinates);

describe("discovering an instance's APIs", () => {
  it("finds every API across pages, lists them by name and audits the sync", async () => {
    const result = await syncInstance(admin, { instanceId: sandbox.instance.id });

    expect(result).toMatchObject({ added: 4, updated: 0, gone: 0, total: 4 });
    const page = await listApis(reader, {});
    expect(page.items.map((api) => api.apimName)).toEqual([
      "azure-openai",
      "azure-openai-eu",
      "chat-token-limited",
      "foundry-models",
    ]);
    expect(page.items[0]).toMatchObject({
      instanceName: "sandbox",
      displayName: "Azure OpenAI",
      path: "openai",
      gone: false,
      profileVersion: null,
      lastDeployment: null,
    });
    const event = await sandbox.db.prisma.auditEvent.findFirst({ where: { action: "instance.sync" } });
    expect(event).toMatchObject({ actorOid: admin.actor.oid, outcome: "success", targetId: sandbox.instance.id });
    expect(event!.armCorrelationId).toBe(admin.requestId);
    expect((await listInstances(reader)).items[0]!.lastSyncedAt).not.toBeNull();
  });

  it("adds new APIs and marks vanished ones gone on the next sync, keeping them", async () => {
    await sandbox.controls.seedApis(3, { prefix: "extra", withPolicy: false });
    expect(await syncInstance(admin, { instanceId: sandbox.instance.id })).toMatchObject({
      added: 3,
      gone: 0,
      total: 7,
    });

    await sandbox.controls.reset();
    expect(await syncInstance(admin, { instanceId: sandbox.instance.id })).toMatchObject({
      added: 0,
      gone: 3,
      total: 4,
    });
    const extra = (await listApis(reader, { search: "extra" })).items;
    expect(extra).toHaveLength(3);
    expect(extra.every((api) => api.gone)).toBe(true);
    expect(await getApi(reader, { apiId: extra[0]!.id })).toEqual(extra[0]);
  });

  it("pages the API list with a cursor", async () => {
    const first = await listApis(reader, { limit: 4 });
    const second = await listApis(reader, { limit: 4, cursor: first.nextCursor! });
    expect(first.items).toHaveLength(4);
    expect(second.items).toHaveLength(3);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((a) => a.id)).size).toBe(7);
  });

  it("updates renamed APIs and brings gone ones back, counting only what changed, as its audit event does", async () => {
    await arm("PUT", "/apis/azure-openai", {
      properties: {
        displayName: "Azure OpenAI v2",
        path: "openai-v2",
        protocols: ["https"],
        serviceUrl: "https://elsewhere.example/openai",
      },
    });
    await sandbox.controls.seedApis(3, { prefix: "extra", withPolicy: false });

    const result = await syncInstance(admin, { instanceId: sandbox.instance.id });

    expect(result).toMatchObject({ added: 0, updated: 4, gone: 0, total: 7 });
    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { action: "instance.sync" },
      orderBy: { seq: "desc" },
      take: 1,
    });
    expect(events[0]!.after).toEqual({ added: 0, updated: 4, gone: 0, total: 7 });
    // The counts the statement wrote into the event are hashed like any other `after`.
    expect(await verifyAuditChain(sandbox.db.prisma)).toMatchObject({ ok: true });
    const renamed = (await listApis(reader, { search: "azure-openai" })).items.find(
      (api) => api.apimName === "azure-openai",
    );
    expect(renamed).toMatchObject({
      displayName: "Azure OpenAI v2",
      path: "openai-v2",
      serviceUrl: "https://elsewhere.example/openai",
      gone: false,
    });
    expect((await listApis(reader, { search: "extra" })).items.map((api) => api.gone)).toEqual([false, false, false]);
    expect(await syncInstance(admin, { instanceId: sandbox.instance.id })).toMatchObject({
      added: 0,
      updated: 0,
      gone: 0,
      total: 7,
    });
  });

  it("records nothing when a later page of the list fails: no API added, renamed or gone, no sync time, no event", async () => {
    await arm("PUT", "/apis/azure-openai", {
      properties: { displayName: "Azure OpenAI v3", path: "openai-v3", protocols: ["https"] },
    });
    await sandbox.controls.seedApis(2, { prefix: "late", withPolicy: false });
    const apisBefore = await sandbox.db.prisma.api.findMany({ orderBy: { apimName: "asc" } });
    const instanceBefore = await sandbox.db.prisma.instance.findUniqueOrThrow({ where: { id: sandbox.instance.id } });
    const eventsBefore = await sandbox.db.prisma.auditEvent.count();
    // Two APIs a page: the third page is the one at $skip=4.
    await sandbox.controls.setFaults({
      rules: [{ kind: "forbidden", match: { methods: ["GET"], path: "/apis$", query: "skip=4" } }],
    });
    try {
      const error = await syncInstance(admin, { instanceId: sandbox.instance.id }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "upstream", details: { status: 403, armCode: "AuthorizationFailed" } });
    } finally {
      await sandbox.controls.clearFaults();
    }

    expect(await sandbox.db.prisma.api.findMany({ orderBy: { apimName: "asc" } })).toEqual(apisBefore);
    expect(await sandbox.db.prisma.instance.findUniqueOrThrow({ where: { id: sandbox.instance.id } })).toEqual(
      instanceBefore,
    );
    expect(await sandbox.db.prisma.auditEvent.count()).toBe(eventsBefore);
    // The next sync, with every page, records it all.
    expect(await syncInstance(admin, { instanceId: sandbox.instance.id })).toMatchObject({
      added: 2,
      updated: 1,
      gone: 0,
    });
  });

  it("is a change: readers may not sync", async () => {
    const error = await syncInstance(reader, { instanceId: sandbox.instance.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("forbidden");
  });

  it("reports an unknown instance as not found", async () => {
    const error = await syncInstance(admin, { instanceId: "00000000-0000-4000-8000-000000000000" }).catch(
      (e: unknown) => e,
    );
    expect((error as AppError).code).toBe("not_found");
  });
});
