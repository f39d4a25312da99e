import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "../db";
import type { Prisma } from "../db";
import type { Session } from "../db/generated/client";

/**
 * Console sessions live in the database so any instance can serve any request. The cookie
 * holds 256 random bits; the database keeps only their SHA-256, so a database reader cannot
 * hijack a session. Sessions end at an idle timeout, at an absolute lifetime, at sign-out or
 * when revoked.
 */
export const SESSION_COOKIE = "__Host-portcullis-session";

/** lastSeenAt is refreshed at most this often, to keep reads from turning into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionIdentity {
  oid: string;
  tid: string;
  name: string;
  username: string;
  /** The raw role claim values from the token. */
  roles: string[];
}

export interface SessionLimits {
  idleMinutes: number;
  maxHours: number;
}

export function hashSessionId(cookieValue: string): string {
  return createHash("sha256").update(cookieValue, "utf8").digest("hex");
}

export async function createSession(
  tx: Prisma.TransactionClient,
  identity: SessionIdentity,
  limits: SessionLimits,
  meta: { clientIp: string | null; userAgent: string | null },
  now = new Date(),
): Promise<{ cookieValue: string; idHash: string; expiresAt: Date }> {
  const cookieValue = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + limits.maxHours * 3_600_000);
  const idHash = hashSessionId(cookieValue);
  await tx.session.create({
    data: {
      idHash,
      userOid: identity.oid,
      tenantId: identity.tid,
      name: identity.name,
      username: identity.username,
      roles: identity.roles,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      clientIp: meta.clientIp,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
    },
  });
  return { cookieValue, idHash, expiresAt };
}

export type SessionLookup = { status: "active"; session: Session } | { status: "none" | "expired" | "revoked" };

export async function findSession(
  db: PrismaClient,
  cookieValue: string | undefined,
  limits: SessionLimits,
  now = new Date(),
): Promise<SessionLookup> {
  if (!cookieValue) return { status: "none" };
  const session = await db.session.findUnique({ where: { idHash: hashSessionId(cookieValue) } });
  if (!session) return { status: "none" };
  if (session.revokedAt) return { status: "revoked" };
  const idleDeadline = session.lastSeenAt.getTime() + limits.idleMinutes * 60_000;
  if (now.getTime() >= session.expiresAt.getTime() || now.getTime() >= idleDeadline) return { status: "expired" };
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.update({ where: { idHash: session.idHash }, data: { lastSeenAt: now } });
  }
  return { status: "active", session };
}

export async function revokeSession(tx: Prisma.TransactionClient, idHash: string, now = new Date()): Promise<void> {
  await tx.session.updateMany({ where: { idHash, revokedAt: null }, data: { revokedAt: now } });
}
