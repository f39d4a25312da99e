import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
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
 *
 * They are bound to the browser that started the sign-in (login CSRF): the start sets a
 * short-lived cookie of 256 random bits, the database keeps its SHA-256, and the callback is
 * refused unless the browser sends the cookie back. Without it, a callback URL an attacker got
 * for their own account, opened by a victim, would sign the victim in as the attacker.
 * A browser that starts a second sign-in (another tab) keeps its cookie, so both can finish.
 */
const SIGN_IN_TTL_MS = 10 * 60_000;

export const SIGN_IN_COOKIE = "__Host-portcullis-signin";

/** The binding cookie's attributes: the __Host- prefix requires Secure, Path=/ and no Domain. */
export const signInCookie = (value: string) => ({
  name: SIGN_IN_COOKIE,
  value,
  httpOnly: true,
  secure: true,
  // The callback is a top-level GET navigation from the identity provider: Lax sends the cookie.
  sameSite: "lax" as const,
  path: "/",
  maxAge: SIGN_IN_TTL_MS / 1000,
});

const BINDING = /^[A-Za-z0-9_-]{43}$/;

let signIn: EntraSignIn | undefined;
function entraSignIn(): EntraSignIn {
  signIn ??= createEntraSignIn(getEntraConfig());
  return signIn;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
export const redirectUri = () => `${getConfig().appUrl}/auth/callback`;

/** Starts a sign-in; returns where to send the browser and the binding cookie's value to set. */
export async function beginSignIn(input: {
  returnTo: string | null;
  /** The browser's binding cookie, when it already has one. */
  binding: string | undefined;
}): Promise<{ authorizationUrl: string; binding: string }> {
  const binding = input.binding && BINDING.test(input.binding) ? input.binding : randomBytes(32).toString("base64url");
  const start = await entraSignIn().startSignIn({ redirectUri: redirectUri() });
  const now = new Date();
  const db = getDb();
  await db.signInRequest.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.signInRequest.create({
    data: {
      stateHash: sha256(start.state),
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      browserHash: sha256(binding),
      returnTo: safeReturnTo(input.returnTo),
      expiresAt: new Date(now.getTime() + SIGN_IN_TTL_MS),
    },
  });
  return { authorizationUrl: start.authorizationUrl, binding };
}

export interface CompletedSignIn {
  cookieValue: string;
  expiresAt: Date;
  returnTo: string;
  hasRole: boolean;
}

/**
 * Finishes a sign-in from the callback's query: a new session (a new id at every sign-in),
 * written together with its audit event. A failure after the state matched is audited too,
 * a callback from another browser than the one that started the sign-in among them.
 */
export async function completeSignIn(input: {
  callbackParams: URLSearchParams;
  /** The browser's binding cookie, if it sent one. */
  binding: string | undefined;
  meta: RequestMeta;
}): Promise<CompletedSignIn> {
  const db = getDb();
  const state = input.callbackParams.get("state");
  // Deleting is what makes the state single-use, even with two instances racing.
  const pending = state
    ? await db.signInRequest.delete({ where: { stateHash: sha256(state) } }).catch(() => null)
    : null;
  if (!pending || pending.expiresAt.getTime() < Date.now()) {
    throw new AppError("unauthenticated", "This sign-in link has expired or was already used. Start again.");
  }
  let user;
  try {
    if (!sameHash(pending.browserHash, sha256(input.binding ?? ""))) {
      throw new AppError(
        "unauthenticated",
        "This sign-in was started in another browser (its sign-in cookie is missing or different); start again here.",
      );
    }
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

function sameHash(expected: string, actual: string): boolean {
  return expected.length === actual.length && timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
}

/** Where to send the browser after our session ended, to end the identity provider's too. */
export async function identityProviderSignOutUrl(): Promise<string> {
  return entraSignIn().signOutUrl({ postLogoutRedirectUri: `${getConfig().appUrl}/signin` });
}
