import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { runDeployment, type QueuedDeployment } from "./apply/run-deployment";
import { toDeploymentView } from "./deployment-view";
import { findPlanOrThrow } from "./plan/plan-view";
import { storedDesiredState, storedDiff, storedOperations } from "./plan/stored-plan";
import type { DeploymentView } from "./schemas";

export interface StartedDeployment {
  /** The deployment, queued, with every step pending. */
  deployment: DeploymentView;
  /**
   * Carries it out; schedule it after responding (`after(run)` from next/server) or await it.
   * Resolves with the finished deployment and never rejects: failures are recorded on it.
   */
  run: () => Promise<DeploymentView>;
}

/**
 * Queues an apply of a plan and returns at once, so the console can show progress and REST can
 * answer 202. Applying a plan again is allowed: steps an earlier deployment of it carried out
 * are skipped, the rest run (see README.md).
 */
export async function startDeployment(ctx: RequestContext, input: { planId: string }): Promise<StartedDeployment> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const plan = await findPlanOrThrow(db, input.planId, { api: { include: { instance: true } } });
  const diff = storedDiff(plan);
  const errors = diff.lint.findings.filter((finding) => finding.severity === "error");
  if (errors.length > 0) {
    const listed = errors.map((finding) => `${finding.code} (line ${finding.line}): ${finding.message}`).join("; ");
    throw new AppError(
      "conflict",
      `This plan cannot be applied: the resulting policy has lint errors: ${listed}. Fix the profile or the policy in APIM and make a new plan.`,
      {
        details: { findings: errors },
      },
    );
  }
  // Both are parsed before anything is written, so a plan changed outside Portcullis starts nothing.
  const operations = storedOperations(plan);
  const desired = storedDesiredState(plan);
  const { deployment, steps } = await auditedTransaction(db, async (tx) => {
    const created = await tx.deployment.create({
      data: {
        planId: plan.id,
        apiId: plan.apiId,
        status: "queued",
        startedBy: ctx.actor.name,
        requestId: ctx.requestId,
      },
    });
    const pending = await tx.deploymentStep.createManyAndReturn({
      data: operations.map((operation) => ({
        deploymentId: created.id,
        seq: operation.seq,
        kind: operation.kind,
        target: operation.target,
        status: "pending",
        ifMatch: operation.expected === "absent" ? null : operation.expected.etag,
      })),
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "deployment.start",
      target: { type: "deployment", id: created.id },
      after: { planId: plan.id, apiId: plan.apiId, steps: operations.length, summary: diff.summary },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return { deployment: created, steps: pending.sort((a, b) => a.seq - b.seq) };
  });
  // What the run needs is what this use case already read: it does not read it again.
  const queued: QueuedDeployment = {
    id: deployment.id,
    planId: plan.id,
    apiId: plan.apiId,
    apimName: plan.api.apimName,
    instance: plan.api.instance,
    operations,
    desired,
  };
  return { deployment: toDeploymentView({ ...deployment, steps }), run: () => runDeployment(ctx, queued) };
}
