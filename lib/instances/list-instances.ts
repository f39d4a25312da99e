import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { toInstanceView, type InstanceView } from "./schemas";

export async function listInstances(ctx: RequestContext): Promise<InstanceView[]> {
  await authorize(ctx, "config.read");
  const rows = await getDb().instance.findMany({ orderBy: { name: "asc" } });
  return rows.map(toInstanceView);
}
