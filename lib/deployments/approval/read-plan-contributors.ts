import { z } from "zod";
import { Prisma } from "../../db";
import { parseStored } from "../../db/parse-stored";
import { planContributors, type Contributor, type VersionInput } from "./contributors";

const writerSchema = z.object({ oid: z.string().nullable(), name: z.string() });
const resolvedVariablesSchema = z
  .array(z.object({ name: z.string(), value: z.string(), writtenBy: writerSchema }))
  .nullable();
const templateSchema = z.object({ id: z.string(), name: z.string(), version: z.number().int() }).nullable();

interface Row {
  planId: string;
  apimName: string;
  baselineTemplate: unknown;
  baselineVariables: unknown;
  plannedVariables: unknown;
  brought: Array<{
    version: number;
    createdBy: string;
    createdByOid: string | null;
    template: unknown;
    templateAuthor: string | null;
    templateAuthorOid: string | null;
  }>;
}

/**
 * The contributors of each plan (contributors.ts), from what is stored: the plan's version, the
 * versions of its API saved up to it, and the baseline — the version of the API's last deployment
 * that succeeded before the plan was made. All of it was written before the plan and never
 * changes, so a plan's contributors are the same whenever they are read: no later write makes
 * someone a contributor of a plan they already approved (a new input means a new version, so a
 * new plan with no approvals). Plans of no version (made before versions were kept) have none.
 * One statement for all the plans asked for (a change set's, a page of the waiting list), keyed by
 * plan id; a plan with no contributors has an empty list.
 */
export async function readPlanContributors(
  db: Prisma.TransactionClient,
  planIds: readonly string[],
): Promise<Map<string, Contributor[]>> {
  if (planIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Row[]>(Prisma.sql`
    SELECT p.id::text AS "planId", a.apim_name AS "apimName",
      base.template AS "baselineTemplate", base.resolved_variables AS "baselineVariables",
      planned.resolved_variables AS "plannedVariables",
      COALESCE((
        SELECT jsonb_agg(jsonb_build_object('version', v.version, 'createdBy', v.created_by,
                 'createdByOid', v.created_by_oid, 'template', v.template,
                 'templateAuthor', tv.created_by, 'templateAuthorOid', tv.created_by_oid) ORDER BY v.version)
          FROM access_profile_versions v
          LEFT JOIN profile_template_versions tv
            -- Cast the JSON's id, not the column, so the key (template_id, version) finds it.
            ON tv.template_id = (v.template->>'id')::uuid AND tv.version = (v.template->>'version')::int
         WHERE v.api_id = p.api_id AND v.id IS DISTINCT FROM base.id
           AND (v.id = planned.id OR (v.version <= planned.version AND v.version > COALESCE(base.version, 0)))
      ), '[]'::jsonb) AS brought
    FROM plans p
      JOIN apis a ON a.id = p.api_id
      JOIN access_profile_versions planned ON planned.id = p.profile_version_id
      LEFT JOIN LATERAL (
        SELECT v.id, v.version, v.template, v.resolved_variables
          FROM deployments d
          JOIN plans applied ON applied.id = d.plan_id
          JOIN access_profile_versions v ON v.id = applied.profile_version_id
         WHERE d.api_id = p.api_id AND d.status = 'succeeded' AND d.finished_at <= p.created_at
         ORDER BY d.finished_at DESC, d.id DESC
         LIMIT 1
      ) base ON true
    WHERE p.id IN (${Prisma.join(planIds.map((id) => Prisma.sql`${id}::uuid`))})`);
  const byPlan = new Map(rows.map((row) => [row.planId, contributorsOf(row)]));
  return new Map(planIds.map((id) => [id, byPlan.get(id) ?? []]));
}

function contributorsOf(row: Row): Contributor[] {
  const at = (field: string) => ({ record: `plan ${row.planId}`, field });
  const baselineTemplate = parseStored(templateSchema, row.baselineTemplate, at("baseline template"));
  return planContributors({
    apimName: row.apimName,
    brought: row.brought.map((version): VersionInput => {
      const template = parseStored(templateSchema, version.template, at(`version ${version.version} template`));
      return {
        version: version.version,
        author: { oid: version.createdByOid, name: version.createdBy },
        template: template && {
          ...template,
          author:
            version.templateAuthor === null ? null : { oid: version.templateAuthorOid, name: version.templateAuthor },
        },
      };
    }),
    baselineTemplate,
    plannedVariables: parseStored(resolvedVariablesSchema, row.plannedVariables, at("planned variables")),
    baselineVariables: parseStored(resolvedVariablesSchema, row.baselineVariables, at("baseline variables")),
  });
}

/**
 * The contributors the approval rules judge recorded approvals by (approvalState: a writer's
 * approval never counts), for each plan, read in one statement only for the plans that hold an
 * approval: without one there is nothing to judge, so applies and views of plans nobody approved
 * read nothing more. A plan of no approval maps to none.
 */
export async function readApproverContributors(
  db: Prisma.TransactionClient,
  plans: ReadonlyArray<{ id: string; approvals: ReadonlyArray<{ decision: string }> }>,
): Promise<Map<string, Contributor[]>> {
  return readPlanContributors(
    db,
    plans.filter((plan) => plan.approvals.some((row) => row.decision === "approved")).map((plan) => plan.id),
  );
}

/** readApproverContributors of one plan. */
export async function approverContributorsOf(
  db: Prisma.TransactionClient,
  plan: { id: string; approvals: ReadonlyArray<{ decision: string }> },
): Promise<Contributor[]> {
  return (await readApproverContributors(db, [plan])).get(plan.id) ?? [];
}
