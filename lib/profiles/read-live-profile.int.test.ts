import { beforeAll, describe, expect, it } from "vitest";
import { listApis } from "../apis/list-apis";
import { syncInstance } from "../instances/sync-instance";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { readLiveProfile } from "./read-live-profile";

const sandbox = setupSandboxHarness();
const reader = contextFor("reader");
const apiIds = new Map<string, string>();

beforeAll(async () => {
  await syncInstance(contextFor("admin"), { instanceId: sandbox.instance.id });
  for (const api of (await listApis(reader, {})).items) apiIds.set(api.apimName, api.id);
  await sandbox.controls.seedApis(1, { prefix: "bare", withPolicy: false });
  await syncInstance(contextFor("admin"), { instanceId: sandbox.instance.id });
  apiIds.set("bare-1", (await listApis(reader, { search: "bare-1" })).items[0]!.id);
});

describe("reading what an API's live policy already does", () => {
  it("completes a backend-delivered API key from the backend entity the policy selects", async () => {
    const live = await readLiveProfile(reader, { apiId: apiIds.get("azure-openai")! });

    expect(live).toMatchObject({ ok: true, hasPolicy: true });
    if (!live.ok) return;
    expect(live.reading.source).toBe("adopted");
    expect(live.reading.undetermined).toEqual([]);
    expect(live.reading.profile?.backendAuth).toMatchObject({
      mode: "apiKey",
      delivery: "backend",
      backendId: "azure-openai-backend",
      namedValue: "azure-openai-api-key",
      headerName: "api-key",
    });
  });

  it("says what it cannot determine, and still reads what it can", async () => {
    const live = await readLiveProfile(reader, { apiId: apiIds.get("chat-token-limited")! });

    expect(live.ok).toBe(true);
    if (!live.ok) return;
    // The hand-written validation takes its tenant from a named value, which a profile cannot hold.
    expect(live.reading.profile).toBeNull();
    expect(live.reading.undetermined.map((field) => field.path)).toContain("callerAuth");
    expect(live.reading.backendAuth).toMatchObject({
      mode: "apiKey",
      delivery: "backend",
      backendId: "foundry-backend-key",
      namedValue: "foundry-api-key",
    });
  });

  it("reads an API without a policy as doing nothing", async () => {
    const live = await readLiveProfile(reader, { apiId: apiIds.get("bare-1")! });

    expect(live).toMatchObject({
      ok: true,
      hasPolicy: false,
      reading: { profile: { backendAuth: { mode: "none" }, callerAuth: { mode: "none" } } },
    });
  });

  it("needs permission to read configuration", async () => {
    await expect(readLiveProfile(contextFor("none"), { apiId: apiIds.get("azure-openai")! })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});
