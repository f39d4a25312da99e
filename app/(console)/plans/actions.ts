"use server";

import { refresh } from "next/cache";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { approvePlan } from "@/lib/deployments/approve-plan";
import { createPlan } from "@/lib/deployments/create-plan";
import { rejectPlan } from "@/lib/deployments/reject-plan";
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

/**
 * Approves the plan as shown: the form carries the hash of the content the admin reviewed, so a
 * plan that changed meanwhile is refused rather than approved unseen.
 */
export async function approvePlanAction(_previous: FormState<string>, formData: FormData): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "approval.approve");
    const plan = await approvePlan(ctx, formFields(formData));
    refresh();
    return { status: "done", result: `Approved. ${approvalSentence(plan.approval)}` };
  } catch (error) {
    return actionError(error);
  }
}

/** Rejects the plan as shown, with the reason the admin typed. */
export async function rejectPlanAction(_previous: FormState<string>, formData: FormData): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "approval.reject");
    await rejectPlan(ctx, formFields(formData));
    refresh();
    return { status: "done", result: "Rejected: this plan cannot be applied." };
  } catch (error) {
    return actionError(error);
  }
}

function approvalSentence(approval: { status: string; required: number; approvedBy: number }): string {
  return approval.status === "approved"
    ? "The plan has the approvals it needs and can be applied."
    : `${approval.approvedBy} of ${approval.required} approvals.`;
}
