import { describe, expect, it } from "vitest";
import { backgroundWorkSettled, runInBackground } from "./background-work";
import type { PrismaClient } from "./generated/client";

const client = () => ({}) as PrismaClient;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe("background work on a database client", () => {
  it("is settled at once when none was started", async () => {
    await expect(backgroundWorkSettled(client())).resolves.toBeUndefined();
  });

  it("is waited for, also work that running work started, and only the client's own", async () => {
    const db = client();
    const other = client();
    const first = deferred();
    const second = deferred();
    const finished: string[] = [];
    runInBackground(other, new Promise<void>(() => undefined));
    runInBackground(
      db,
      first.promise.then(() => {
        finished.push("first");
        runInBackground(
          db,
          second.promise.then(() => {
            finished.push("second");
          }),
        );
      }),
    );
    let settled = false;
    const waiting = backgroundWorkSettled(db).then(() => (settled = true));
    first.resolve();
    await first.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    second.resolve();
    await waiting;
    expect(finished).toEqual(["first", "second"]);
  });
});
