import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { findInstanceOrThrow } from "./find-instance";
import { toInstanceView, type InstanceView } from "./schemas";

export async function getInstance(ctx: RequestContext, input: { instanceId: string }): Promise<InstanceView> {
  await authorize(ctx, "config.read");
  return toInstanceView(await findInstanceOrThrow(getDb(), input.instanceId));
}
