import type { Prisma } from "../db";
import { AppError } from "../errors";
import { isUuid } from "../apis/find-api";

export async function findInstanceOrThrow(tx: Prisma.TransactionClient, instanceId: string) {
  const instance = isUuid(instanceId) ? await tx.instance.findUnique({ where: { id: instanceId } }) : null;
  if (!instance) throw new AppError("not_found", `There is no instance with id ${instanceId}.`);
  return instance;
}
