import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { publishEvent } from "../notifications/publish-event";
import { assertApiInApim, findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import type { InstanceCoordinates } from "../apim/client-for-instance";
import { isAppError } from "../errors";
import type { AccessProfile } from "../policy";
import { storedProfile } from "../profiles/stored-profile";
import { runVerification, type VerificationRun } from "./run-verification";
import type { ServiceReads } from "./service-reads";
import type { VerificationView } from "./schemas";
import { toVerificationView, verificationViewInclude } from "./verification-view";

export interface VerifyApiInput {
  apiId: string;
  operationId?: string;
  deployment?: string;
}

/**
 * "Verify access": sends probes through the API's gateway, each with the expectation the what-if
 * evaluator derives from what APIM holds, and stores what the gateway answered (never a token or
 * body) with its audit event. A verification that finds a failure is stored and answered like any
 * other: it is the evidence.
 */
export async function verifyApiAccess(ctx: RequestContext, input: VerifyApiInput): Promise<VerificationView> {
  await authorize(ctx, "config.write");
  const api = await findApiOrThrow(getDb(), input.apiId);
  assertApiInApim(api);
  return verifyAndRecord(ctx, api, input);
}

/**
 * Verifies one API (already authorized and found) and stores the result with its audit event;
 * "Verify all" calls it for each API of its batch. A failure to read APIM is stored as an `error`
 * verification, so a batch always accounts for every API.
 */
export async function verifyAndRecord(
  ctx: RequestContext,
  api: VerifiedApi,
  input: { operationId?: string; deployment?: string; batchId?: string } = {},
): Promise<VerificationView> {
  const version = await getDb().accessProfileVersion.findFirst({
    where: { apiId: api.id },
    orderBy: { version: "desc" },
  });
  const probed = await probeApi(ctx, api, { ...input, profile: version ? storedProfile(version) : null });
  return recordVerification(ctx, api, probed, input);
}

export type VerifiedApi = {
  id: string;
  apimName: string;
  instance: InstanceCoordinates & { gatewayUrl: string | null };
};

/** A verification's run, not yet stored. */
export interface ProbedApi {
  run: VerificationRun;
  startedAt: Date;
}

/**
 * Reads APIM and sends the probes (no database work, so a batch holds a slot of its concurrency
 * only for the calls that wait on APIM and the gateway). A failure to read APIM is an `error` run.
 */
export async function probeApi(
  ctx: RequestContext,
  api: VerifiedApi,
  input: { profile: AccessProfile | null; operationId?: string; deployment?: string; reads?: ServiceReads },
): Promise<ProbedApi> {
  const startedAt = new Date();
  let run: VerificationRun;
  try {
    run = await runVerification({
      instance: api.instance,
      apimName: api.apimName,
      profile: input.profile,
      correlationId: ctx.requestId,
      ...(input.operationId === undefined ? {} : { operationId: input.operationId }),
      ...(input.deployment === undefined ? {} : { deployment: input.deployment }),
      ...(input.reads === undefined ? {} : { reads: input.reads }),
    });
  } catch (error) {
    if (!isAppError(error)) throw error;
    run = {
      status: "error",
      summary: `Not verified: ${error.message}`,
      gatewayUrl: null,
      target: null,
      notes: [],
      probes: [],
    };
  }
  return { run, startedAt };
}

/** Stores a verification's run with its audit event (and its announcement when it failed). */
export async function recordVerification(
  ctx: RequestContext,
  api: VerifiedApi,
  { run, startedAt }: ProbedApi,
  input: { batchId?: string } = {},
): Promise<VerificationView> {
  const row = await auditedTransaction(getDb(), async (tx) => {
    const created = await tx.verification.create({
      data: {
        apiId: api.id,
        batchId: input.batchId ?? null,
        status: run.status,
        summary: run.summary,
        gatewayUrl: run.gatewayUrl,
        target: (run.target ?? undefined) as Prisma.InputJsonValue | undefined,
        notes: run.notes as Prisma.InputJsonValue,
        startedAt,
        finishedAt: new Date(),
        startedBy: ctx.actor.name,
        requestId: ctx.requestId,
        probes: {
          create: run.probes.map((probe, index) => ({
            seq: index + 1,
            kind: probe.kind,
            caller: probe.caller,
            outcome: probe.outcome,
            expected: (probe.expected ?? undefined) as Prisma.InputJsonValue | undefined,
            actualStatus: probe.actualStatus,
            latencyMs: probe.latencyMs,
            gatewayRequestId: probe.gatewayRequestId,
            detail: probe.detail,
          })),
        },
      },
      include: verificationViewInclude,
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "verification.run",
      target: { type: "api", id: api.id },
      after: { verificationId: created.id, apimName: api.apimName, ...evidence(run) },
      outcome: run.status === "proven" || run.status === "unproven" ? "success" : "failure",
      requestId: ctx.requestId,
      armCorrelationId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    // A caller got in who should not have, or an allowed one did not: announce it with the evidence.
    if (run.status === "failed")
      await publishEvent(tx, {
        type: "verification.failed",
        instanceId: api.instance.id,
        data: {
          ...evidence(run),
          summary: `${api.apimName}: ${run.summary}`,
          verificationId: created.id,
          apiId: api.id,
          apimName: api.apimName,
        },
      });
    return created;
  });
  return toVerificationView(row);
}

/** What the audit event keeps of a run: statuses, callers and request ids, never a token. */
function evidence({ status, summary, gatewayUrl, target, ...run }: VerificationRun) {
  return {
    status,
    summary,
    gatewayUrl,
    target,
    probes: run.probes.map((probe) => ({
      kind: probe.kind,
      caller: probe.caller,
      outcome: probe.outcome,
      expectedDecision: probe.expected?.decision ?? null,
      expectedStatus: probe.expected?.status ?? null,
      actualStatus: probe.actualStatus,
      gatewayRequestId: probe.gatewayRequestId,
    })),
  };
}
