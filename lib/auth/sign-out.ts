import { runAudited } from "../audit/append-audit-event";
import { getDb } from "../db";
import type { RequestContext } from "./request-context";
import { hashSessionId, revokeSession } from "./sessions";

/** Ends a console session: revoked in the database (so every instance refuses it) and audited. */
export async function signOut(ctx: RequestContext, input: { sessionCookie: string }): Promise<void> {
  const idHash = hashSessionId(input.sessionCookie);
  await runAudited(
    getDb(),
    (tx) => revokeSession(tx, idHash),
    () => ({
      actor: ctx.actor,
      action: "auth.signout",
      target: { type: "session", id: idHash.slice(0, 16) },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    }),
  );
}
