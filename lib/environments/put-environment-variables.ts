import { z } from "zod";
import { auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { environmentSchema } from "../instances/schemas";
import { parseInput } from "../validation";
import {
  environmentVariables,
  plainValues,
  lockEnvironmentVariables,
  variableChanges,
  writeVariableChanges,
} from "./environment-variables";
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
    await lockEnvironmentVariables(tx, environment);
    const changes = variableChanges(plainValues(await environmentVariables(tx, environment)), variables);
    await writeVariableChanges(tx, ctx, environment, changes);
    return environmentVariablesView(tx, environment);
  });
}
