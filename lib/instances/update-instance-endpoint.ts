import { z } from "zod";
import { allowedArmTarget } from "../apim/allowed-arm-endpoint";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { parseInput } from "../validation";
import { findInstanceOrThrow } from "./find-instance";
import { instanceInputSchema, toInstanceView, type InstanceView } from "./schemas";

const inputSchema = z.strictObject({
  instanceId: z.guid("must be an instance id"),
  armEndpoint: instanceInputSchema.shape.armEndpoint,
});

/**
 * Points an instance at another ARM endpoint (a sovereign cloud, or the sandbox simulator
 * after its port changed). The APIM service itself stays the same one.
 */
export async function updateInstanceEndpoint(ctx: RequestContext, input: unknown): Promise<InstanceView> {
  await authorize(ctx, "config.write");
  const { instanceId, armEndpoint } = parseInput(inputSchema, input, "instance");
  allowedArmTarget(armEndpoint, "input");
  return auditedTransaction(getDb(), async (tx) => {
    const before = await findInstanceOrThrow(tx, instanceId);
    if (before.armEndpoint === armEndpoint) return toInstanceView(before);
    const updated = await tx.instance.update({ where: { id: instanceId }, data: { armEndpoint } });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "instance.update",
      target: { type: "instance", id: instanceId },
      before: { armEndpoint: before.armEndpoint },
      after: { armEndpoint },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return toInstanceView(updated);
  });
}
