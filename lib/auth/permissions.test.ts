import { describe, expect, it } from "vitest";
import { permissionsOf, rolesFromClaims } from "./permissions";

const names = { admin: "Portcullis.Admin", reviewer: "Portcullis.Reviewer", reader: "Portcullis.Reader" };

describe("roles from token claims", () => {
  it("maps the configured role names and ignores everything else", () => {
    expect(rolesFromClaims(["Portcullis.Reader", "Some.Other", "Portcullis.Admin"], names)).toEqual([
      "admin",
      "reader",
    ]);
  });

  it("uses the configured names, not the defaults", () => {
    const custom = { admin: "Gate.Admin", reviewer: "Gate.Audit", reader: "Gate.Read" };
    expect(rolesFromClaims(["Portcullis.Admin", "Gate.Audit"], custom)).toEqual(["reviewer"]);
  });

  it("is case-sensitive like Entra role values", () => {
    expect(rolesFromClaims(["portcullis.admin"], names)).toEqual([]);
  });
});

describe("permissions of roles", () => {
  it("lets only admins change configuration", () => {
    expect(permissionsOf(["admin"]).has("config.write")).toBe(true);
    expect(permissionsOf(["reviewer"]).has("config.write")).toBe(false);
    expect(permissionsOf(["reader"]).has("config.write")).toBe(false);
  });

  it("lets reviewers read the audit history and readers not", () => {
    expect(permissionsOf(["reviewer"]).has("audit.read")).toBe(true);
    expect(permissionsOf(["reader"]).has("audit.read")).toBe(false);
    expect(permissionsOf(["reader"]).has("config.read")).toBe(true);
  });

  it("gives nothing without a role", () => {
    expect(permissionsOf([]).size).toBe(0);
  });
});
