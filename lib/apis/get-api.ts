import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { apiViewInclude, toApiView } from "./api-view";
import { findApiOrThrow } from "./find-api";
import type { ApiView } from "./schemas";

export async function getApi(ctx: RequestContext, input: { apiId: string }): Promise<ApiView> {
  await authorize(ctx, "config.read");
  const db = getDb();
  await findApiOrThrow(db, input.apiId);
  return toApiView(await db.api.findUniqueOrThrow({ where: { id: input.apiId }, include: apiViewInclude }));
}
