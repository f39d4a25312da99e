import { z } from "zod";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { apimClientForInstance } from "../apim/client-for-instance";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { getConfig } from "../env";
import { AppError } from "../errors";
import { findInstanceOrThrow } from "../instances/find-instance";
import { toInstanceView, type InstanceView } from "../instances/schemas";
import { parseInput } from "../validation";
import { checkGatewayUrl } from "./gateway-url";
import { verificationSettingsInputSchema } from "./schemas";

const inputSchema = verificationSettingsInputSchema.extend({ instanceId: z.guid("must be an instance id") });

/**
 * An instance's verification settings: the gateway URL probes go to instead of the one ARM reports
 * (one the service reports too, or an allowed origin: see gateway-url.ts), and whether every successful apply is followed by a verification.
 * Audited with what was there before.
 */
export async function updateVerificationSettings(ctx: RequestContext, input: unknown): Promise<InstanceView> {
  await authorize(ctx, "config.write");
  const { instanceId, gatewayUrl, verifyAfterApply } = parseInput(inputSchema, input, "verification settings");
  let url: string | null = null;
  if (gatewayUrl !== null) {
    // Where ARM says the service answers, read now: a gateway must be this service's (gateway-url.ts).
    const instance = await findInstanceOrThrow(getDb(), instanceId);
    const { value: service } = await apimClientForInstance(instance).getService({ correlationId: ctx.requestId });
    const checked = checkGatewayUrl(gatewayUrl, {
      reported: service.gatewayOrigins,
      allowed: getConfig().verification.gatewaysAllowed,
    });
    if (!checked.ok)
      throw new AppError("bad_request", `The verification settings are not valid: gatewayUrl ${checked.problem}.`, {
        fields: [{ path: "gatewayUrl", message: checked.problem }],
      });
    url = checked.url;
  }
  return auditedTransaction(getDb(), async (tx) => {
    const before = await findInstanceOrThrow(tx, instanceId);
    if (before.gatewayUrl === url && before.verifyAfterApply === verifyAfterApply) return toInstanceView(before);
    const updated = await tx.instance.update({
      where: { id: instanceId },
      data: { gatewayUrl: url, verifyAfterApply },
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "instance.verification-settings.update",
      target: { type: "instance", id: instanceId },
      before: { gatewayUrl: before.gatewayUrl, verifyAfterApply: before.verifyAfterApply },
      after: { gatewayUrl: url, verifyAfterApply },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return toInstanceView(updated);
  });
}
