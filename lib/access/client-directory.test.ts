import { describe, expect, it } from "vitest";
import { sandboxDirectory } from "./client-directory";

describe("the sandbox client directory", () => {
  it("names the clients it knows, whatever the case of the id, and leaves the others out", async () => {
    const directory = sandboxDirectory([
      { clientId: "aaaaaaaa-1111-2222-3333-444444444444", displayName: "Sandbox caller 1" },
    ]);
    expect(directory.source).toBe("sandbox");
    const names = await directory.displayNames([
      "AAAAAAAA-1111-2222-3333-444444444444",
      "bbbbbbbb-1111-2222-3333-444444444444",
    ]);
    expect([...names]).toEqual([["AAAAAAAA-1111-2222-3333-444444444444", "Sandbox caller 1"]]);
  });
});
