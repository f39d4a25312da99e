import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateIdentityState } from "./identity-state";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("the sandbox identity state", () => {
  it("gives a state file written before four-eyes its second admin and automation client, keeping the rest", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "identity-state-"));
    dirs.push(dir);
    const current = await loadOrCreateIdentityState(dir);
    const file = path.join(dir, "sandbox-identity.json");
    // What an older sandbox wrote: no admin2, no second automation client.
    const older = JSON.parse(await readFile(file, "utf8")) as {
      home: { users: Array<{ username: string }>; secondAutomationClient?: unknown };
    };
    older.home.users = older.home.users.filter((user) => user.username !== "admin2");
    delete older.home.secondAutomationClient;
    await writeFile(file, JSON.stringify(older));

    const upgraded = await loadOrCreateIdentityState(dir);
    expect(upgraded.home.users.map((user) => user.username)).toEqual([
      "admin",
      "reviewer",
      "reader",
      "norole",
      "admin2",
    ]);
    expect(upgraded.home.users.find((user) => user.username === "admin2")?.role).toBe("admin");
    expect(upgraded.home.secondAutomationClient.clientId).not.toBe(upgraded.home.automationClient.clientId);
    // Everything else as it was, and the upgrade is written back: loading again changes nothing.
    expect(upgraded.home.automationClient).toEqual(current.home.automationClient);
    expect(upgraded.home.users[0]).toEqual(current.home.users[0]);
    expect(await loadOrCreateIdentityState(dir)).toEqual(upgraded);
  });
});
