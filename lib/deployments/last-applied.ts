import type { Prisma } from "../db";
import { parseStored, StoredDataError } from "../db/parse-stored";
import { appliedStateSchema, type AppliedState } from "./schemas";

/** The last successful deployment of an API: what APIM held after it is the drift baseline. */
export interface LastApplied {
  deploymentId: string;
  apiId: string;
  finishedAt: Date | null;
  profileVersionId: string | null;
  state: AppliedState;
}

const select = {
  id: true,
  apiId: true,
  finishedAt: true,
  result: true,
  plan: { select: { profileVersionId: true } },
} satisfies Prisma.DeploymentSelect;
const lastFirst = [{ finishedAt: "desc" }, { id: "desc" }] satisfies Prisma.DeploymentOrderByWithRelationInput[];

export async function findLastApplied(db: Prisma.TransactionClient, apiId: string): Promise<LastApplied | null> {
  const row = await db.deployment.findFirst({ where: { apiId, status: "succeeded" }, orderBy: lastFirst, select });
  return row && toLastApplied(row);
}

/**
 * The same for many APIs in one query (drift scans). A row whose result does not read back (it
 * was changed outside Portcullis) is that API's StoredDataError, not the whole scan's: the
 * others are still checked.
 */
export async function findLastAppliedOfEach(
  db: Prisma.TransactionClient,
  apiIds: readonly string[],
): Promise<Map<string, LastApplied | StoredDataError>> {
  const rows = await db.deployment.findMany({
    where: { apiId: { in: [...apiIds] }, status: "succeeded" },
    orderBy: [{ apiId: "asc" }, ...lastFirst],
    distinct: ["apiId"],
    select,
  });
  return new Map(rows.map((row) => [row.apiId, lastAppliedOrError(row)]));
}

function lastAppliedOrError(
  row: Prisma.DeploymentGetPayload<{ select: typeof select }>,
): LastApplied | StoredDataError {
  try {
    return toLastApplied(row);
  } catch (error) {
    if (error instanceof StoredDataError) return error;
    throw error;
  }
}

function toLastApplied(row: Prisma.DeploymentGetPayload<{ select: typeof select }>): LastApplied {
  return {
    deploymentId: row.id,
    apiId: row.apiId,
    finishedAt: row.finishedAt,
    profileVersionId: row.plan.profileVersionId,
    state: parseStored(appliedStateSchema, row.result, { record: `deployment ${row.id}`, field: "result" }),
  };
}
