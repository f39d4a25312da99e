import { randomUUID } from "node:crypto";
import { permissionsOf, type Role } from "../../lib/auth/permissions";
import type { RequestContext } from "../../lib/auth/request-context";

/** A request context as an entry point would build it, for use-case tests. */
export function contextFor(role: Role | "none", overrides: Partial<RequestContext["actor"]> = {}): RequestContext {
  const roles: Role[] = role === "none" ? [] : [role];
  return {
    actor: {
      type: "user",
      oid: randomUUID(),
      tid: "00000000-0000-0000-0000-0000000000aa",
      name: `Test ${role}`,
      roles,
      ...overrides,
    },
    permissions: permissionsOf(roles),
    requestId: randomUUID(),
    clientIp: "203.0.113.7",
    channel: "api",
  };
}
