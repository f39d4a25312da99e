import type { RequestContext } from "../auth/request-context";
import type { RotationPlanEntry } from "./schemas";

/**
 * The hook where a second admin's approval will be required before a rotation's plans are
 * applied. Approvals (bound to a plan's content hash, see DESIGN.md) do not exist yet, so it
 * lets every apply through; once they do, this throws `conflict` naming the plans that still
 * need one. Rotation and roll back both pass here, as any apply should.
 */
export async function requireApproval(_ctx: RequestContext, _plans: readonly RotationPlanEntry[]): Promise<void> {
  // Nothing to check until approvals exist.
}
