import type { Permission } from "./permissions";

/**
 * Every route of the app and what it takes to reach it. The guards look routes up here, and
 * route-permissions.test.ts fails when a page, route handler or server action exists that is
 * not listed or does not call its guard, so nothing is reachable without an explicit decision.
 *
 * - a Permission: the caller must hold it;
 * - "signed-in": any signed-in user, with or without a role (the no-role page, sign-out);
 * - "public": no identity at all (sign-in itself, health checks) — each says why.
 */
export type RouteAccess = Permission | "signed-in" | "public";

export const ROUTE_ACCESS = {
  // Console pages
  "/": "config.read",
  "/no-role": "signed-in",
  "/forbidden": "signed-in",
  "/signin": "public", // where unauthenticated users are sent
  // Sign-in flow
  "/auth/signin": "public", // starts the OpenID flow
  "/auth/callback": "public", // the identity provider returns here; state + PKCE protect it
  // Operations
  "/api/health": "public", // load balancer liveness: says only "ok"
  // REST API (bearer tokens only)
  "/api/v1/me": "config.read",
} as const satisfies Record<string, RouteAccess>;

export type RouteKey = keyof typeof ROUTE_ACCESS;

export function accessFor(route: RouteKey): RouteAccess {
  return ROUTE_ACCESS[route];
}
