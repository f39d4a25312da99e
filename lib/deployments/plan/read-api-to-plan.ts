import { isUuid } from "../../apis/find-api";
import { getDb, Prisma } from "../../db";
import { driverSqlOf } from "../../db/driver-sql";
import type { AccessProfileVersion, Api, Instance } from "../../db/generated/client";
import {
  API_COLUMNS,
  INSTANCE_COLUMNS,
  PROFILE_VERSION_COLUMNS,
  pickColumns,
  selectColumns,
} from "../../db/model-columns";
import type { BackendStep } from "./owned-backends";
import { knownPlanReads, type PlanReads } from "./plan-reads";

/** What createPlan reads of the database for one API, in one statement. */
export interface ApiToPlan {
  api: Api & { instance: Instance };
  /** The API's latest profile version; null when it has none. */
  latest: AccessProfileVersion | null;
  /** The backend steps of its deployments and its instance's fingerprints, as planReads reads them. */
  reads: PlanReads;
}

/**
 * The API with its instance, its latest profile version, the backend steps of its deployments and
 * the fingerprints of its instance's named values, in one statement straight to the driver (a
 * prepared one): through Prisma the API's read cost more CPU in this process than the plan's
 * statements (bench/README.md, apply-200), and it was a round trip of its own. The rows are those
 * Prisma would give (lib/db/model-columns.ts). Null when there is no such API.
 */
export async function readApiToPlan(apiId: string): Promise<ApiToPlan | null> {
  if (!isUuid(apiId)) return null;
  const [row] = await driverSqlOf(getDb()).query<
    Record<string, unknown> & { steps: BackendStep[]; fingerprints: [string, string | null][] }
  >(
    Prisma.sql`
      SELECT ${selectColumns(API_COLUMNS, "a", "api")}, ${selectColumns(INSTANCE_COLUMNS, "i", "instance")},
        ${selectColumns(PROFILE_VERSION_COLUMNS, "v", "version")},
        COALESCE((
          SELECT jsonb_agg(jsonb_build_object('kind', step.kind, 'target', step.target)
                   ORDER BY step.finished_at, step.seq)
          FROM deployment_steps step JOIN deployments deployment ON deployment.id = step.deployment_id
          WHERE deployment.api_id = a.id AND step.kind IN ('backend.create', 'backend.delete')
            AND step.status = 'succeeded'
        ), '[]'::jsonb) AS steps,
        COALESCE((
          SELECT jsonb_agg(jsonb_build_array(secret.named_value_id, secret.fingerprint))
          FROM secrets secret WHERE secret.instance_id = a.instance_id
        ), '[]'::jsonb) AS fingerprints
      FROM apis a
        JOIN instances i ON i.id = a.instance_id
        LEFT JOIN LATERAL (
          SELECT * FROM access_profile_versions version WHERE version.api_id = a.id ORDER BY version.version DESC LIMIT 1
        ) v ON true
      WHERE a.id = ${apiId}::uuid`,
    { prepared: true },
  );
  if (!row) return null;
  return {
    api: { ...pickColumns(row, API_COLUMNS, "api"), instance: pickColumns(row, INSTANCE_COLUMNS, "instance") },
    latest: row["version.id"] === null ? null : pickColumns(row, PROFILE_VERSION_COLUMNS, "version"),
    reads: knownPlanReads(row.steps, new Map(row.fingerprints)),
  };
}
