import { allowedArmTarget } from "../apim/allowed-arm-endpoint";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { instanceInputSchema, toInstanceView, type InstanceView } from "./schemas";

/**
 * Registers an APIM service Portcullis manages. Idempotent for the same coordinates and name
 * (the sandbox registers its simulator at every start); a clash is a conflict.
 */
export async function registerInstance(ctx: RequestContext, input: unknown): Promise<InstanceView> {
  await authorize(ctx, "config.write");
  const data = parseInput(instanceInputSchema, input, "instance");
  allowedArmTarget(data.armEndpoint, "input");
  const db = getDb();
  const existing = await db.instance.findUnique({ where: { name: data.name } });
  if (existing) {
    const same =
      existing.subscriptionId === data.subscriptionId &&
      existing.resourceGroup === data.resourceGroup &&
      existing.serviceName === data.serviceName &&
      existing.armEndpoint === data.armEndpoint;
    if (same) return toInstanceView(existing);
    throw new AppError("conflict", `An instance named "${data.name}" already exists with other coordinates.`, {
      fields: [{ path: "name", message: "is already used by another instance" }],
    });
  }
  try {
    return await auditedTransaction(db, async (tx) => {
      const created = await tx.instance.create({ data });
      await appendAuditEvent(tx, {
        actor: ctx.actor,
        action: "instance.register",
        target: { type: "instance", id: created.id },
        after: data,
        outcome: "success",
        requestId: ctx.requestId,
        clientIp: ctx.clientIp,
      });
      return toInstanceView(created);
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("conflict", "This APIM service (or this name) is already registered.");
    }
    throw error;
  }
}
