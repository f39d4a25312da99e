import type { RoleNames } from "../env";

/**
 * What a caller may do. Roles come from Entra app roles in the token; each maps to a fixed
 * set of permissions, and every entry point and use case asks for a permission, never a role.
 */
export const PERMISSIONS = ["config.read", "config.write", "audit.read"] as const;
export type Permission = (typeof PERMISSIONS)[number];

export type Role = "admin" | "reviewer" | "reader";

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  // Admins change things; they also read the history of what they changed.
  admin: ["config.read", "config.write", "audit.read"],
  // Security reviewers read everything, including the audit history and its export.
  reviewer: ["config.read", "audit.read"],
  // Readers see configuration only.
  reader: ["config.read"],
};

/** Maps the token's `roles` claim (configured names) to our roles; unknown names are ignored. */
export function rolesFromClaims(claimRoles: readonly string[], names: RoleNames): Role[] {
  const byName = new Map<string, Role>([
    [names.admin, "admin"],
    [names.reviewer, "reviewer"],
    [names.reader, "reader"],
  ]);
  const roles = new Set<Role>();
  for (const claim of claimRoles) {
    const role = byName.get(claim);
    if (role) roles.add(role);
  }
  return [...roles].sort();
}

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role]));
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  reviewer: "Security reviewer",
  reader: "Reader",
};
