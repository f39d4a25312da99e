import type { Prisma } from "../db";
import { AppError } from "../errors";

const withInstance = { instance: true } satisfies Prisma.ApiInclude;

/**
 * Loads an API by id, with its instance and whatever else `include` adds (in the same query),
 * or fails with a not_found the caller can show.
 */
export async function findApiOrThrow<Include extends Prisma.ApiInclude = Record<never, never>>(
  tx: Prisma.TransactionClient,
  apiId: string,
  include?: Include,
): Promise<Prisma.ApiGetPayload<{ include: typeof withInstance & Include }>> {
  const api = isUuid(apiId)
    ? await tx.api.findUnique({ where: { id: apiId }, include: { ...include, ...withInstance } })
    : null;
  if (!api) throw apiNotFound(apiId);
  return api as Prisma.ApiGetPayload<{ include: typeof withInstance & Include }>;
}

/** The error for an API id that names no API. */
export function apiNotFound(apiId: string): AppError {
  return new AppError("not_found", `There is no API with id ${apiId}.`);
}

/** Refuses an API the last sync no longer found in APIM: nothing can be planned or probed for it. */
export function assertApiInApim(api: { apimName: string; goneAt: Date | null }): void {
  if (api.goneAt)
    throw new AppError(
      "conflict",
      `API '${api.apimName}' was no longer in APIM at the last sync; sync the instance if it is back.`,
    );
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
