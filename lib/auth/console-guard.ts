import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "../db";
import type { Session } from "../db/generated/client";
import { getConfig } from "../env";
import { AppError } from "../errors";
import { requestMetaFrom } from "../rest/request-meta";
import { authorize } from "./authorize";
import { permissionsOf, rolesFromClaims, type Permission } from "./permissions";
import type { RequestContext } from "./request-context";
import { accessFor, type RouteKey } from "./route-permissions";
import { findSession, SESSION_COOKIE, type SessionLookup } from "./sessions";

/**
 * Guards for console entry points (pages and server actions). They accept the session
 * cookie only; bearer tokens are for /api/v1. Every page and action calls one of these with
 * its route key, and the route's declared access decides.
 */

/** For pages: redirects to sign-in, the no-role page or the forbidden page as needed. */
export async function guardPage(route: RouteKey): Promise<RequestContext> {
  const { lookup, ctx } = await consoleContext();
  if (lookup.status !== "active" || !ctx) {
    const path = (await headers()).get("x-portcullis-path") ?? "/";
    const reason = lookup.status === "none" ? "" : `&reason=${lookup.status}`;
    redirect(`/signin?returnTo=${encodeURIComponent(path)}${reason}`);
  }
  const access = accessFor(route);
  if (access === "public" || access === "signed-in") return ctx;
  if (ctx.actor.roles.length === 0) redirect("/no-role");
  try {
    await authorize(ctx, access, route);
  } catch (error) {
    if (error instanceof AppError && error.code === "forbidden") redirect(`/forbidden?need=${access}`);
    throw error;
  }
  return ctx;
}

/**
 * For server actions: throws AppError (unauthenticated / forbidden) for the form to show.
 * Next.js already rejects cross-site action calls (Origin must match Host).
 */
export async function guardAction(access: Permission | "signed-in", action: string): Promise<RequestContext> {
  const { lookup, ctx } = await consoleContext();
  if (lookup.status !== "active" || !ctx)
    throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
  if (access !== "signed-in") await authorize(ctx, access, action);
  return ctx;
}

/**
 * For console route handlers (downloads): the session cookie and the route's declared access;
 * throws AppError (unauthenticated / forbidden) for the handler to answer with.
 */
export async function guardRoute(route: RouteKey): Promise<RequestContext> {
  const access = accessFor(route);
  if (access === "public") throw new Error(`${route} is public and must not call guardRoute`);
  return guardAction(access, route);
}

/** The signed-in user's context, for refusals that record who tried; null without a live session. */
export async function sessionContext(): Promise<RequestContext | null> {
  return (await consoleContext()).ctx ?? null;
}

/** The signed-in user for page chrome (header, menus); null without a live session. */
export async function currentActor(): Promise<RequestContext["actor"] | null> {
  return (await consoleContext()).ctx?.actor ?? null;
}

async function consoleContext(): Promise<{ lookup: SessionLookup; ctx?: RequestContext }> {
  const config = getConfig();
  const cookieValue = (await cookies()).get(SESSION_COOKIE)?.value;
  const lookup = await findSession(getDb(), cookieValue, config.session);
  if (lookup.status !== "active") return { lookup };
  return { lookup, ctx: contextFromSession(lookup.session, await headers()) };
}

function contextFromSession(session: Session, requestHeaders: Headers): RequestContext {
  const roles = rolesFromClaims(session.roles, getConfig().roles);
  const meta = requestMetaFrom(requestHeaders);
  return {
    actor: { type: "user", oid: session.userOid, tid: session.tenantId, name: session.name, roles },
    permissions: permissionsOf(roles),
    requestId: meta.requestId,
    clientIp: meta.clientIp,
    channel: "console",
  };
}
