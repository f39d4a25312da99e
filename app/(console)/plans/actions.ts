"use server";

import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { createPlan } from "@/lib/deployments/create-plan";
import { startDeployment } from "@/lib/deployments/start-deployment";
import { parseInput } from "@/lib/validation";
import { actionError } from "../action-error";
import { formFields } from "../form-fields";

const planInputSchema = z.object({ apiId: z.guid("must be an API id"), purpose: z.enum(["profile", "drift"]) });

/** Reads APIM and makes a plan: from the current profile version, or (drift) restoring the last applied one. */
export async function createPlanAction(_previous: FormState<string>, formData: FormData): Promise<FormState<string>> {
  let planId: string;
  try {
    const ctx = await guardAction("config.write", "plan.create");
    const input = parseInput(planInputSchema, formFields(formData));
    planId = (await createPlan(ctx, input)).id;
  } catch (error) {
    return actionError(error);
  }
  redirect(`/plans/${planId}`);
}

const applyInputSchema = z.object({ planId: z.guid("must be a plan id") });

/**
 * Starts applying a plan and opens its deployment page at once; the steps run after the
 * response (after()), and the page follows them.
 */
export async function applyPlanAction(_previous: FormState<string>, formData: FormData): Promise<FormState<string>> {
  let deploymentId: string;
  try {
    const ctx = await guardAction("config.write", "deployment.start");
    const { deployment, run } = await startDeployment(ctx, parseInput(applyInputSchema, formFields(formData)));
    after(run);
    deploymentId = deployment.id;
  } catch (error) {
    return actionError(error);
  }
  redirect(`/deployments/${deploymentId}`);
}
