import type { Prisma } from "../db";
import { AppError } from "../errors";

/** Loads an API by id or fails with a not_found the caller can show. */
export async function findApiOrThrow(tx: Prisma.TransactionClient, apiId: string) {
  const api = isUuid(apiId) ? await tx.api.findUnique({ where: { id: apiId }, include: { instance: true } }) : null;
  if (!api) throw new AppError("not_found", `There is no API with id ${apiId}.`);
  return api;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
