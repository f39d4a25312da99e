import { Prisma } from "./generated/client";
import type { AccessProfileVersion, Api, Instance, Plan, PlanApproval } from "./generated/client";

/**
 * Where each field of a model is stored: its column, marked `time` for a timestamp (which comes
 * back from a JSON aggregate as text). Every field must be named (the type says so), so a column
 * added to the schema fails to compile here until it is read too: a row read through the driver
 * (lib/db/driver-sql.ts) is the row Prisma would give.
 */
export type ModelColumns<Row> = { readonly [Field in keyof Row]-?: string | { time: string } };

const columnOf = (stored: string | { time: string }) => (typeof stored === "string" ? stored : stored.time);

/** The select list `alias.column AS "prefix.field", …` of one table, read back by pickColumns. */
export function selectColumns<Row>(columns: ModelColumns<Row>, alias: string, prefix: string): Prisma.Sql {
  return Prisma.raw(
    Object.entries<string | { time: string }>(columns)
      .map(([field, stored]) => `${alias}.${columnOf(stored)} AS "${prefix}.${field}"`)
      .join(", "),
  );
}

/** One table's row out of a flat row read with selectColumns (the driver parses times, json, booleans). */
export function pickColumns<Row>(row: Record<string, unknown>, columns: ModelColumns<Row>, prefix: string): Row {
  return Object.fromEntries(Object.keys(columns).map((field) => [field, row[`${prefix}.${field}`]])) as Row;
}

/** `jsonb_build_object('field', alias.column, …)`: one table's row inside a JSON aggregate, read back by fromJsonColumns. */
export function jsonColumns<Row>(columns: ModelColumns<Row>, alias: string): Prisma.Sql {
  return Prisma.raw(
    `jsonb_build_object(${Object.entries<string | { time: string }>(columns)
      .map(([field, stored]) => `'${field}', ${alias}.${columnOf(stored)}`)
      .join(", ")})`,
  );
}

/** A row built by jsonColumns, with its times as Dates again. */
export function fromJsonColumns<Row>(value: Record<string, unknown>, columns: ModelColumns<Row>): Row {
  return Object.fromEntries(
    Object.entries<string | { time: string }>(columns).map(([field, stored]) => {
      const item = value[field];
      return [field, typeof stored === "string" || item === null ? item : new Date(item as string)];
    }),
  ) as Row;
}

/** `alias.column IS NOT DISTINCT FROM value AND …` for every field of one table's row: the row is still as `row` says. */
export function sameColumnsSql<Row>(columns: ModelColumns<Row>, alias: string, row: Row): Prisma.Sql {
  return Prisma.join(
    Object.entries<string | { time: string }>(columns).map(([field, stored]) => {
      const value = row[field as keyof Row] as unknown;
      const column = Prisma.raw(`${alias}.${columnOf(stored)}`);
      return typeof stored === "string"
        ? Prisma.sql`${column} IS NOT DISTINCT FROM ${value}`
        : Prisma.sql`${column} IS NOT DISTINCT FROM ${value === null ? null : (value as Date).toISOString()}::timestamptz`;
    }),
    " AND ",
  );
}

export const INSTANCE_COLUMNS: ModelColumns<Instance> = {
  id: "id",
  name: "name",
  subscriptionId: "subscription_id",
  resourceGroup: "resource_group",
  serviceName: "service_name",
  armEndpoint: "arm_endpoint",
  tier: "tier",
  createdAt: { time: "created_at" },
  lastSyncedAt: { time: "last_synced_at" },
  gatewayUrl: "gateway_url",
  verifyAfterApply: "verify_after_apply",
  environment: "environment",
  approvalsRequired: "approvals_required",
  automationApprovers: "automation_approvers",
  approvalLifetimeHours: "approval_lifetime_hours",
};

export const API_COLUMNS: ModelColumns<Api> = {
  id: "id",
  instanceId: "instance_id",
  apimName: "apim_name",
  displayName: "display_name",
  path: "path",
  serviceUrl: "service_url",
  discoveredAt: { time: "discovered_at" },
  goneAt: { time: "gone_at" },
  templateId: "template_id",
};

export const PROFILE_VERSION_COLUMNS: ModelColumns<AccessProfileVersion> = {
  id: "id",
  apiId: "api_id",
  version: "version",
  profile: "profile",
  adoptsHandWritten: "adopts_hand_written",
  written: "written",
  template: "template",
  createdAt: { time: "created_at" },
  createdBy: "created_by",
  createdByOid: "created_by_oid",
  resolvedVariables: "resolved_variables",
};

export const PLAN_COLUMNS: ModelColumns<Plan> = {
  id: "id",
  apiId: "api_id",
  profileVersionId: "profile_version_id",
  purpose: "purpose",
  operations: "operations",
  diff: "diff",
  desiredState: "desired_state",
  createdAt: { time: "created_at" },
  createdBy: "created_by",
  createdByOid: "created_by_oid",
};

export const PLAN_APPROVAL_COLUMNS: ModelColumns<PlanApproval> = {
  id: "id",
  planId: "plan_id",
  planHash: "plan_hash",
  decision: "decision",
  reason: "reason",
  actorType: "actor_type",
  actorOid: "actor_oid",
  actorName: "actor_name",
  createdAt: { time: "created_at" },
  expiresAt: { time: "expires_at" },
  expiryAuditedAt: { time: "expiry_audited_at" },
};
