"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { AppError } from "@/lib/errors";
import { putEnvironmentVariables } from "@/lib/environments/put-environment-variables";
import { allowLineBreaks, parseInput } from "@/lib/validation";
import { actionError } from "../../action-error";
import { formFields } from "../../form-fields";

const inputSchema = z.object({ environment: z.string(), variables: allowLineBreaks(z.string()).default("") });

/** Saves the environment's variables from the form's `name = value` lines; answers how many there are. */
export async function saveVariablesAction(
  _previous: FormState<number>,
  formData: FormData,
): Promise<FormState<number>> {
  try {
    const ctx = await guardAction("config.write", "environment.variables");
    const input = parseInput(inputSchema, formFields(formData));
    const variables = variablesFromLines(input.variables);
    const saved = await putEnvironmentVariables(ctx, { environment: input.environment, variables });
    refresh();
    return { status: "done", result: Object.keys(saved.variables).length };
  } catch (error) {
    return actionError(error);
  }
}

function variablesFromLines(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  const problems: Array<{ path: string; message: string }> = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const separator = line.indexOf("=");
    const name = line.slice(0, separator).trim();
    if (separator < 0 || name === "") problems.push({ path: `line ${index + 1}`, message: "must be name = value" });
    else if (Object.hasOwn(variables, name))
      problems.push({ path: `line ${index + 1}`, message: `sets ${name} again` });
    else variables[name] = line.slice(separator + 1).trim();
  });
  if (problems.length > 0) throw new AppError("bad_request", "Some lines are not name = value.", { fields: problems });
  return variables;
}
