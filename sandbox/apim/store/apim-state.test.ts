import { appendFile, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rowVersionOf } from "../arm/etag";
import { ApimState } from "./apim-state";
import type { ApiRecord } from "./records";

function api(name: string, displayName: string): Omit<ApiRecord, "etag" | "created"> {
  return { name, properties: { displayName } };
}

describe("APIM state on disk", () => {
  let dataDir: string;
  let opened: ApimState[];

  /** Opens the state and remembers it, so its pending writes land before the directory goes. */
  async function open(): Promise<ApimState> {
    const state = await ApimState.open(dataDir);
    opened.push(state);
    return state;
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "apim-state-"));
    opened = [];
  });

  // Several tests save without awaiting `persisted`; removing the directory under a write
  // still in flight made that write reject unhandled, and Vitest failed the test for it.
  afterEach(async () => {
    await Promise.all(opened.map((state) => state.flush()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it("survives a restart: entities, their ETags and their order", async () => {
    const state = await open();
    const first = state.apis.save(api("Zeta", "Z"));
    const second = state.apis.save(api("alpha", "A"));
    await Promise.all([first.persisted, second.persisted]);

    const reopened = await open();
    expect(reopened.apis.list().map((entity) => entity.name)).toEqual(["Zeta", "alpha"]);
    expect(reopened.apis.get("zeta")?.etag).toBe(first.entity.etag);
    const third = reopened.apis.save(api("beta", "B"));
    expect(rowVersionOf(third.entity.etag)).toBeGreaterThan(rowVersionOf(second.entity.etag));
    expect(reopened.apis.list().map((entity) => entity.name)).toEqual(["Zeta", "alpha", "beta"]);
  });

  it("looks names up case-insensitively and keeps the first spelling", async () => {
    const state = await open();
    state.apis.save(api("Echo-API", "one"));
    const updated = state.apis.save(api("echo-api", "two"));
    expect(updated.created).toBe(false);
    expect(updated.entity.name).toBe("Echo-API");
    expect(state.apis.get("ECHO-api")?.properties).toEqual({ displayName: "two" });
  });

  it("changes the ETag when the content changes and keeps it for an identical save", async () => {
    const state = await open();
    const created = state.apis.save(api("a", "one"));
    const same = state.apis.save(api("a", "one"));
    const changed = state.apis.save(api("a", "two"));
    expect(created.created).toBe(true);
    expect(same.entity.etag).toBe(created.entity.etag);
    expect(changed.entity.etag).not.toBe(created.entity.etag);
  });

  it("never reuses an ETag after delete and re-create", async () => {
    const state = await open();
    const before = state.apis.save(api("a", "one")).entity.etag;
    await state.apis.delete("a");
    expect(state.apis.get("a")).toBeUndefined();
    expect(state.apis.save(api("a", "one")).entity.etag).not.toBe(before);
  });

  it("deletes files and forgets everything on clear, and tracks which seed the directory holds", async () => {
    const state = await open();
    await state.apis.save(api("a", "one")).persisted;
    expect(await state.seededWith()).toBeNull();
    await state.markSeeded("seed v2");
    expect(await state.seededWith()).toBe("seed v2");
    await state.clear();
    expect(await state.seededWith()).toBeNull();
    expect(state.apis.list()).toEqual([]);
    expect(await readdir(join(dataDir, "apis"))).toEqual([]);
    expect((await open()).apis.list()).toEqual([]);
  });

  it("keeps the last of many quick writes to one entity", async () => {
    const state = await open();
    const writes = Array.from({ length: 50 }, (_, i) => state.apis.save(api("a", `v${i}`)).persisted);
    await Promise.all(writes);
    expect((await open()).apis.get("a")?.properties).toEqual({ displayName: "v49" });
    expect((await readdir(join(dataDir, "apis"))).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("finds every answered change after a stop without a flush, deletions included, and folds them on flush", async () => {
    const state = await open();
    await state.apis.save(api("a", "one")).persisted;
    await state.apis.save(api("b", "two")).persisted;
    await state.apis.save(api("a", "three")).persisted;
    await state.apis.delete("b");
    // No flush: as a process killed right after answering.
    expect(await readdir(join(dataDir, "apis"))).toEqual([]);

    const reopened = await open();
    expect(reopened.apis.list().map((entity) => [entity.name, entity.properties])).toEqual([
      ["a", { displayName: "three" }],
    ]);
    await reopened.flush();
    expect(await readdir(dataDir)).not.toContain("journal.ndjson");
    expect(await readdir(join(dataDir, "apis"))).toHaveLength(1);
    expect((await open()).apis.get("a")?.properties).toEqual({ displayName: "three" });
  });

  it("skips a journal line cut short by a crash and reads a journal a stopped flush left aside first", async () => {
    const state = await open();
    await state.apis.save(api("a", "one")).persisted;
    await state.apis.save(api("k", "kept")).persisted;
    // A flush stopped after moving the journal aside; then more changes, the last one cut short.
    await rename(join(dataDir, "journal.ndjson"), join(dataDir, "journal.folding.ndjson"));
    await state.apis.save(api("a", "two")).persisted;
    await state.apis.save(api("b", "b")).persisted;
    await appendFile(join(dataDir, "journal.ndjson"), '{"kind":"apis","key":"c","value":{"na');

    const reopened = await open();
    expect(reopened.apis.list().map((entity) => [entity.name, entity.properties])).toEqual([
      ["a", { displayName: "two" }],
      ["k", { displayName: "kept" }],
      ["b", { displayName: "b" }],
    ]);
    await reopened.flush();
    expect((await readdir(dataDir)).filter((name) => name.startsWith("journal"))).toEqual([]);
    expect((await open()).apis.list().map((entity) => entity.name)).toEqual(["a", "k", "b"]);
  });
});
