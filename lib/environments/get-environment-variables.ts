import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import { parseInput } from "../validation";
import { environmentParamsSchema, type EnvironmentVariablesView } from "./schemas";

/** The variables an environment sets and the instances in it (an environment nobody set yet has none). */
export async function getEnvironmentVariables(
  ctx: RequestContext,
  input: { environment: string },
): Promise<EnvironmentVariablesView> {
  await authorize(ctx, "config.read");
  const { name } = parseInput(environmentParamsSchema, { name: input.environment }, "environment");
  return environmentVariablesView(getDb(), name);
}

export async function environmentVariablesView(
  tx: Prisma.TransactionClient,
  environment: string,
): Promise<EnvironmentVariablesView> {
  const [rows, instances] = await Promise.all([
    tx.environmentVariable.findMany({ where: { environment }, orderBy: { name: "asc" } }),
    tx.instance.findMany({ where: { environment }, orderBy: { name: "asc" }, select: { name: true } }),
  ]);
  const latest = rows.reduce<(typeof rows)[number] | null>(
    (newest, row) => (newest === null || row.updatedAt > newest.updatedAt ? row : newest),
    null,
  );
  return {
    environment,
    variables: Object.fromEntries(rows.map((row) => [row.name, row.value])),
    instances: instances.map((instance) => instance.name),
    updatedAt: latest?.updatedAt.toISOString() ?? null,
    updatedBy: latest?.updatedBy ?? null,
  };
}
