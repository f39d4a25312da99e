import { createHash } from "node:crypto";
import { appendAuditEvent, auditedTransaction, recordAuditEvent } from "../audit/append-audit-event";
import { getDb } from "../db";
import { getConfig } from "../env";
import { AppError } from "../errors";
import type { RequestMeta } from "../rest/request-meta";
import { getEntraConfig } from "./bearer-context";
import { createEntraSignIn, type EntraSignIn } from "./msal-client";
import { permissionsOf, rolesFromClaims } from "./permissions";
import { safeReturnTo } from "./return-to";
import { createSession } from "./sessions";

/**
 * The console's OpenID Connect sign-in (authorization code + PKCE through MSAL). State,
 * nonce and PKCE verifier are kept in the database, not in the browser, so any app instance
 * can finish a sign-in another one started; each is usable once and for a few minutes.
 */
const SIGN_IN_TTL_MS = 10 * 60_000;

let signIn: EntraSignIn | undefined;
function entraSignIn(): EntraSignIn {
  signIn ??= createEntraSignIn(getEntraConfig());
  return signIn;
}

const hashState = (state: string) => createHash("sha256").update(state, "utf8").digest("hex");
export const redirectUri = () => `${getConfig().appUrl}/auth/callback`;

/** Starts a sign-in; returns where to send the browser. */
export async function beginSignIn(input: { returnTo: string | null }): Promise<string> {
  const start = await entraSignIn().startSignIn({ redirectUri: redirectUri() });
  const now = new Date();
  const db = getDb();
  await db.signInRequest.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.signInRequest.create({
    data: {
      stateHash: hashState(start.state),
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      returnTo: safeReturnTo(input.returnTo),
      expiresAt: new Date(now.getTime() + SIGN_IN_TTL_MS),
    },
  });
  return start.authorizationUrl;
}

export interface CompletedSignIn {
  cookieValue: string;
  expiresAt: Date;
  returnTo: string;
  hasRole: boolean;
}

/**
 * Finishes a sign-in from the callback's query: a new session (a new id at every sign-in),
 * written together with its audit event. A failure after the state matched is audited too.
 */
export async function completeSignIn(input: {
  callbackParams: URLSearchParams;
  meta: RequestMeta;
}): Promise<CompletedSignIn> {
  const db = getDb();
  const state = input.callbackParams.get("state");
  // Deleting is what makes the state single-use, even with two instances racing.
  const pending = state
    ? await db.signInRequest.delete({ where: { stateHash: hashState(state) } }).catch(() => null)
    : null;
  if (!pending || pending.expiresAt.getTime() < Date.now()) {
    throw new AppError("unauthenticated", "This sign-in link has expired or was already used. Start again.");
  }
  let user;
  try {
    user = await entraSignIn().completeSignIn({
      redirectUri: redirectUri(),
      callbackParams: input.callbackParams,
      pending: { state: state!, nonce: pending.nonce, codeVerifier: pending.codeVerifier },
    });
  } catch (error) {
    await recordAuditEvent(db, {
      actor: { type: "user", oid: "unknown", tid: "", name: "unknown (sign-in failed)" },
      action: "auth.signin",
      target: { type: "session", id: "-" },
      after: { reason: error instanceof AppError ? error.message : "internal error" },
      outcome: "failure",
      requestId: input.meta.requestId,
      clientIp: input.meta.clientIp,
    });
    throw error;
  }
  const config = getConfig();
  const roles = rolesFromClaims(user.roles, config.roles);
  const session = await auditedTransaction(db, async (tx) => {
    const created = await createSession(tx, user, config.session, {
      clientIp: input.meta.clientIp,
      userAgent: input.meta.userAgent,
    });
    await appendAuditEvent(tx, {
      actor: { type: "user", oid: user.oid, tid: user.tid, name: user.name },
      action: "auth.signin",
      target: { type: "session", id: created.idHash.slice(0, 16) },
      after: { username: user.username, roles, permissions: [...permissionsOf(roles)].sort() },
      outcome: "success",
      requestId: input.meta.requestId,
      clientIp: input.meta.clientIp,
    });
    return created;
  });
  return {
    cookieValue: session.cookieValue,
    expiresAt: session.expiresAt,
    returnTo: pending.returnTo,
    hasRole: roles.length > 0,
  };
}

/** Where to send the browser after our session ended, to end the identity provider's too. */
export async function identityProviderSignOutUrl(): Promise<string> {
  return entraSignIn().signOutUrl({ postLogoutRedirectUri: `${getConfig().appUrl}/signin` });
}
