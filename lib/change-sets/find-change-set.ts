import type { Prisma } from "../db";
import { isUuid } from "../apis/find-api";
import { AppError } from "../errors";
import { approverContributorsOfSet, changeSetInclude, type ChangeSetRow } from "./set-approval";
import { storedSetVariables, variableInstancesOf } from "./set-variables";

export async function findChangeSetOrThrow(db: Prisma.TransactionClient, changeSetId: string): Promise<ChangeSetRow> {
  const row = isUuid(changeSetId)
    ? await db.changeSet.findUnique({ where: { id: changeSetId }, include: changeSetInclude })
    : null;
  if (!row) throw new AppError("not_found", `There is no change set with id ${changeSetId}.`);
  const variables = storedSetVariables(row);
  return {
    ...row,
    variableInstances: variables ? await variableInstancesOf(db, variables.environment) : [],
    approverContributors: await approverContributorsOfSet(db, row),
  };
}
