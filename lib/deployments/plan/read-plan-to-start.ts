import { getDb, Prisma } from "../../db";
import { driverSqlOf } from "../../db/driver-sql";
import {
  API_COLUMNS,
  fromJsonColumns,
  INSTANCE_COLUMNS,
  jsonColumns,
  PLAN_APPROVAL_COLUMNS,
  PLAN_COLUMNS,
  pickColumns,
  selectColumns,
} from "../../db/model-columns";
import { isUuid } from "../../apis/find-api";
import { AppError } from "../../errors";

/** A plan with its decisions (oldest first), its API and the API's instance: what startDeployment decides and queues with. */
export type PlanToStart = Prisma.PlanGetPayload<{
  include: { approvals: true; api: { include: { instance: true } } };
}>;

/**
 * The plan to apply, in one statement straight to the driver (a prepared one): through Prisma
 * this read cost more CPU in this process than the deployment's statements (bench/README.md,
 * apply-200). The rows are those Prisma would give (lib/db/model-columns.ts); not_found as
 * findPlanOrThrow says it.
 */
export async function readPlanToStart(planId: string): Promise<PlanToStart> {
  const [row] = isUuid(planId)
    ? await driverSqlOf(getDb()).query<Record<string, unknown> & { approvals: Record<string, unknown>[] }>(
        Prisma.sql`
          SELECT ${selectColumns(PLAN_COLUMNS, "p", "plan")}, ${selectColumns(API_COLUMNS, "a", "api")},
            ${selectColumns(INSTANCE_COLUMNS, "i", "instance")},
            COALESCE((
              SELECT jsonb_agg(${jsonColumns(PLAN_APPROVAL_COLUMNS, "decision")} ORDER BY decision.created_at)
              FROM plan_approvals decision WHERE decision.plan_id = p.id
            ), '[]'::jsonb) AS approvals
          FROM plans p JOIN apis a ON a.id = p.api_id JOIN instances i ON i.id = a.instance_id
          WHERE p.id = ${planId}::uuid`,
        { prepared: true },
      )
    : [];
  if (!row) throw planNotFound(planId);
  return {
    ...pickColumns(row, PLAN_COLUMNS, "plan"),
    approvals: row.approvals.map((approval) => fromJsonColumns(approval, PLAN_APPROVAL_COLUMNS)),
    api: { ...pickColumns(row, API_COLUMNS, "api"), instance: pickColumns(row, INSTANCE_COLUMNS, "instance") },
  };
}

/** The error for a plan id that names no plan. */
export function planNotFound(planId: string): AppError {
  return new AppError("not_found", `There is no plan with id ${planId}.`);
}
