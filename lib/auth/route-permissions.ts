import type { Permission } from "./permissions";

/**
 * Every route of the app and what it takes to reach it. The guards look routes up here, and
 * route-permissions.test.ts fails when a page, route handler or server action exists that is
 * not listed or does not call its guard, so nothing is reachable without an explicit decision.
 *
 * - a Permission: the caller must hold it;
 * - "signed-in": any signed-in user, with or without a role (the no-role page, sign-out);
 * - "public": no identity at all (sign-in itself, health checks) — each says why.
 *
 * /api/v1 operations are not listed here: lib/rest/operations.ts gives each its permission,
 * and the same test checks that every REST route handler is one of those operations.
 */
export type RouteAccess = Permission | "signed-in" | "public";

export const ROUTE_ACCESS = {
  // Console pages
  "/": "config.read",
  "/no-role": "signed-in",
  "/forbidden": "signed-in",
  "/signin": "public", // where unauthenticated users are sent
  "/audit": "audit.read",
  "/audit/export": "audit.read",
  "/instances": "config.read",
  "/instances/[id]/secrets": "config.read",
  "/instances/[id]/secrets/[secretId]": "config.read",
  "/instances/[id]/access": "config.read",
  "/instances/[id]/access/export": "config.read",
  "/instances/[id]/verifications/[batchId]": "config.read",
  "/apis": "config.read",
  "/apis/[id]": "config.read",
  "/apis/[id]/edit": "config.write",
  "/plans/[id]": "config.read",
  "/approvals": "config.read",
  "/change-sets": "config.read",
  "/change-sets/new": "config.write",
  "/change-sets/[id]": "config.read",
  "/deployments/[id]": "config.read",
  "/templates": "config.read",
  "/templates/new": "config.write",
  "/templates/[id]": "config.read",
  "/notifications": "config.read",
  "/environments/[name]": "config.read",
  // Sign-in flow
  "/auth/signin": "public", // starts the OpenID flow
  "/auth/callback": "public", // the identity provider returns here; state + PKCE protect it
  "/auth/refused-action": "public", // proxy.ts sends server actions posted from other sites here: 403, audited
  // Operations
  "/api/health": "public", // load balancer liveness: says only "ok"
  // REST API: each /api/v1 operation declares its permission in lib/rest/operations.ts.
  "/api/v1/openapi.json": "public", // the API's contract, so automation can be generated from it
} as const satisfies Record<string, RouteAccess>;

export type RouteKey = keyof typeof ROUTE_ACCESS;

export function accessFor(route: RouteKey): RouteAccess {
  return ROUTE_ACCESS[route];
}
