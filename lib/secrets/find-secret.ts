import { isUuid } from "../apis/find-api";
import type { Prisma } from "../db";
import { AppError } from "../errors";

/** Loads a managed secret and its instance by id, or fails with a not_found the caller can show. */
export async function findSecretOrThrow(tx: Prisma.TransactionClient, secretId: string) {
  const secret = isUuid(secretId)
    ? await tx.secret.findUnique({ where: { id: secretId }, include: { instance: true } })
    : null;
  if (!secret) throw new AppError("not_found", `There is no secret with id ${secretId}.`);
  return secret;
}
