import { describe, expect, it } from "vitest";
import { preconditionFailed } from "../arm/apim-errors";
import { LongRunningOperations } from "./long-running-operations";

describe("long-running operations", () => {
  it("answers `polls` polls as running, then finished, and keeps answering finished", () => {
    const lro = new LongRunningOperations({ polls: 2, maxDurationMs: 60_000 });
    const id = lro.start();
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(lro.poll(id)).toEqual({ running: true });
    expect(lro.poll(id)).toEqual({ running: true });
    expect(lro.poll(id)).toEqual({ running: false, failure: undefined });
    expect(lro.poll(id)).toEqual({ running: false, failure: undefined });
  });

  it("finishes on the first poll when polls is 0", () => {
    const lro = new LongRunningOperations({ polls: 0, maxDurationMs: 60_000 });
    expect(lro.poll(lro.start())).toEqual({ running: false, failure: undefined });
  });

  it("finishes on its own after maxDurationMs even if nobody polls", () => {
    let now = 0;
    const lro = new LongRunningOperations({ polls: 100, maxDurationMs: 1000 }, () => now);
    const id = lro.start({ apiKey: "chat" });
    expect(lro.isApiBusy("chat")).toBe(true);
    now = 1000;
    expect(lro.isApiBusy("chat")).toBe(false);
    expect(lro.poll(id)).toEqual({ running: false, failure: undefined });
  });

  it("keeps the API busy only while its operation runs", () => {
    const lro = new LongRunningOperations({ polls: 1, maxDurationMs: 60_000 });
    const id = lro.start({ apiKey: "chat" });
    expect(lro.isApiBusy("chat")).toBe(true);
    expect(lro.isApiBusy("other")).toBe(false);
    lro.poll(id);
    expect(lro.isApiBusy("chat")).toBe(false);
  });

  it("reports a planned failure on the final poll", () => {
    const lro = new LongRunningOperations({ polls: 0, maxDurationMs: 60_000 });
    const failure = preconditionFailed();
    expect(lro.poll(lro.start({ failure }))).toEqual({ running: false, failure });
  });

  it("treats an unknown asyncId (e.g. after a restart) as finished", () => {
    const lro = new LongRunningOperations({ polls: 5, maxDurationMs: 60_000 });
    expect(lro.poll("0123456789abcdef01234567")).toEqual({ running: false });
  });
});
