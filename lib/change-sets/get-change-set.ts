import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { toChangeSetView } from "./change-set-view";
import { findChangeSetOrThrow } from "./find-change-set";
import type { ChangeSetView } from "./schemas";

/** A change set with each API's status: what the console and automation poll while it applies. */
export async function getChangeSet(ctx: RequestContext, input: { changeSetId: string }): Promise<ChangeSetView> {
  await authorize(ctx, "config.read");
  return toChangeSetView(await findChangeSetOrThrow(getDb(), input.changeSetId));
}
