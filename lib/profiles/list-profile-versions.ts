import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { toView, type AccessProfileView } from "./get-access-profile";

/** Every saved version of an API's access profile, newest first. */
export async function listProfileVersions(ctx: RequestContext, input: { apiId: string }): Promise<AccessProfileView[]> {
  await authorize(ctx, "config.read");
  const db = getDb();
  await findApiOrThrow(db, input.apiId);
  const rows = await db.accessProfileVersion.findMany({ where: { apiId: input.apiId }, orderBy: { version: "desc" } });
  return rows.map(toView);
}
