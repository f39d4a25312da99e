import { describe, expect, it } from "vitest";
import { profileChanges } from "./profile-changes";

describe("changes between two profile versions", () => {
  const v1 = {
    backendAuth: { mode: "apiKey", namedValue: "key", headerName: "api-key", delivery: "setHeader" },
    callerAuth: { mode: "entra", tenantId: "contoso.com", clientApplicationIds: ["a", "b"], audiences: [], requiredClaims: [{ name: "roles", match: "any", values: ["Chat"] }] },
  };

  it("is empty for the same profile", () => {
    expect(profileChanges(v1, structuredClone(v1))).toEqual([]);
  });

  it("names each changed field and compares lists of values as a whole", () => {
    const v2 = structuredClone(v1);
    v2.backendAuth.headerName = "x-key";
    v2.callerAuth.clientApplicationIds = ["b", "c"];
    v2.callerAuth.requiredClaims[0]!.values = ["Chat", "Admin"];

    expect(profileChanges(v1, v2)).toEqual([
      { path: "backendAuth.headerName", before: "api-key", after: "x-key" },
      { path: "callerAuth.clientApplicationIds", before: "a, b", after: "b, c" },
      { path: "callerAuth.requiredClaims[0].values", before: "Chat", after: "Chat, Admin" },
    ]);
  });

  it("shows fields that only one side has, as when the mode changes", () => {
    const v2 = { ...v1, callerAuth: { mode: "none" } };

    expect(profileChanges(v1, v2)).toEqual(
      expect.arrayContaining([
        { path: "callerAuth.mode", before: "entra", after: "none" },
        { path: "callerAuth.tenantId", before: "contoso.com", after: null },
        { path: "callerAuth.audiences", before: "(none)", after: null },
      ]),
    );
  });

  it("treats the first version as everything added", () => {
    expect(profileChanges(null, { callerAuth: { mode: "none" } })).toEqual([{ path: "callerAuth.mode", before: null, after: "none" }]);
  });
});
