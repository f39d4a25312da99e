import { z } from "zod";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { environmentSchema } from "../instances/schemas";
import { parseInput } from "../validation";
import { environmentVariables } from "./environment-variables";
import { environmentVariablesView } from "./get-environment-variables";
import { environmentVariablesInputSchema, type EnvironmentVariablesView } from "./schemas";

const inputSchema = z.strictObject({ environment: environmentSchema }).extend(environmentVariablesInputSchema.shape);

/**
 * Replaces every variable of an environment. Saved profile versions keep the values they were
 * resolved with; the new values apply to the next save or promotion. The audit event records
 * each changed variable before and after (values are identifiers, never secrets).
 */
export async function putEnvironmentVariables(ctx: RequestContext, input: unknown): Promise<EnvironmentVariablesView> {
  await authorize(ctx, "config.write");
  const { environment, variables } = parseInput(inputSchema, input, "environment variables");
  return auditedTransaction(getDb(), async (tx) => {
    const before = await environmentVariables(tx, environment);
    const names = [...new Set([...Object.keys(before), ...Object.keys(variables)])].sort();
    const changed = names.filter((name) => before[name] !== variables[name]);
    if (changed.length === 0) return environmentVariablesView(tx, environment);
    const removed = changed.filter((name) => variables[name] === undefined);
    await tx.environmentVariable.deleteMany({ where: { environment, name: { in: removed } } });
    for (const name of changed.filter((name) => variables[name] !== undefined)) {
      const value = variables[name]!;
      await tx.environmentVariable.upsert({
        where: { environment_name: { environment, name } },
        create: { environment, name, value, updatedBy: ctx.actor.name },
        update: { value, updatedBy: ctx.actor.name, updatedAt: new Date() },
      });
    }
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "environment.variables",
      target: { type: "environment", id: environment },
      before: Object.fromEntries(changed.map((name) => [name, before[name] ?? null])),
      after: Object.fromEntries(changed.map((name) => [name, variables[name] ?? null])),
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return environmentVariablesView(tx, environment);
  });
}
