import type { AuditTx } from "../audit/append-audit-event";
import type { RequestContext } from "../auth/request-context";
import type { Prisma } from "../db";
import { parseStored } from "../db/parse-stored";
import { approvalSettingsSelect } from "../deployments/approval/plan-approval-state";
import {
  environmentVariables,
  lockEnvironmentVariables,
  plainValues,
  variableChanges,
  writeVariableChanges,
} from "../environments/environment-variables";
import type { ProposedVariables } from "../environments/resolve-written-profile";
import { AppError } from "../errors";
import { changeSetVariablesSchema, type ChangeSetVariables } from "./schemas";

/**
 * The environment variables a change set changes, under its approval: the set's profiles are
 * resolved with the values it gives (`proposed`), it stores each changed variable before and
 * after (`stored`), it needs the strictest approval settings of the environment's instances
 * (`instances`, whether or not it changes a profile on them), and its first apply writes them.
 */
export interface SetVariables {
  proposed: ProposedVariables;
  stored: ChangeSetVariables;
  instances: VariableInstance[];
}

/** An instance of the environment whose variables a set changes, with its approval settings. */
export const variableInstanceSelect = {
  id: true,
  name: true,
  ...approvalSettingsSelect,
} satisfies Prisma.InstanceSelect;
export type VariableInstance = Prisma.InstanceGetPayload<{ select: typeof variableInstanceSelect }>;

/** What a set that gives `values` to `environment` changes, read now; null when every value already is the environment's. */
export async function setVariablesOf(
  db: Prisma.TransactionClient,
  { environment, values }: Omit<ProposedVariables, "held">,
): Promise<SetVariables | null> {
  const [current, instances] = await Promise.all([
    environmentVariables(db, environment),
    variableInstancesOf(db, environment),
  ]);
  const changes = variableChanges(plainValues(current), values);
  if (changes.length === 0) return null;
  return { proposed: { environment, values, held: current }, stored: { environment, changes }, instances };
}

/** The variable changes a set row stores, or null. */
export function storedSetVariables(row: { id: string; variables: Prisma.JsonValue }): ChangeSetVariables | null {
  return parseStored(changeSetVariablesSchema.nullable(), row.variables, {
    record: `change set ${row.id}`,
    field: "variables",
  });
}

/** The instances whose approval settings a set that changes `environment`'s variables needs. */
export function variableInstancesOf(db: Prisma.TransactionClient, environment: string): Promise<VariableInstance[]> {
  return db.instance.findMany({ where: { environment }, select: variableInstanceSelect, orderBy: { name: "asc" } });
}

/**
 * Writes a set's variable changes, in the transaction that starts its first apply (holding the
 * environment's variables until it commits), audited as `change_set.variables` with the set hash.
 * Refused (409 `variables-changed`, naming each) when a variable no longer has the value the set
 * was made with: its plans and its approval were about other values.
 */
export async function writeSetVariables(
  tx: AuditTx,
  ctx: RequestContext,
  set: { id: string; hash: string; variables: ChangeSetVariables },
): Promise<void> {
  const { environment, changes } = set.variables;
  await lockEnvironmentVariables(tx, environment);
  const now = plainValues(await environmentVariables(tx, environment));
  const changed = changes.filter((change) => (now[change.name] ?? null) !== change.before);
  if (changed.length > 0)
    throw new AppError(
      "variables-changed",
      `${changed.length === 1 ? "Variable" : "Variables"} ${changed.map((change) => `\${${change.name}}`).join(", ")} of environment ${environment} changed since this change set was made: its plans and approval are about other values. Make a new change set.`,
      {
        details: {
          environment,
          variables: changed.map((change) => ({
            name: change.name,
            expected: change.before,
            now: now[change.name] ?? null,
          })),
        },
      },
    );
  await writeVariableChanges(tx, ctx, environment, changes, { id: set.id, hash: set.hash });
}
