import type { Prisma } from "../db";

/** The variables an environment sets, name → value. */
export async function environmentVariables(
  tx: Prisma.TransactionClient,
  environment: string,
): Promise<Record<string, string>> {
  const rows = await tx.environmentVariable.findMany({ where: { environment }, orderBy: { name: "asc" } });
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}
