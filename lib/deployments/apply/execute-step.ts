import type { ApimClient, BackendProperties } from "../../apim";
import { AppError } from "../../errors";
import { managedFieldsOf, sameBackendFields, withManagedFields } from "../backend-fields";
import type { ManagedBackendFields } from "../../policy";
import { policyStateOf, sameManagedPart, sameOutside } from "../../policy/policy-state";
import type { DesiredState, PlanOperation, StepError } from "../schemas";
import { changedSincePlan, stepErrorOf } from "./step-error";
import { stepCalls, type StepCalls } from "./step-calls";

export interface StepContext {
  apim: ApimClient;
  /** One correlation id per step, on every request the step sends. */
  correlationId: string;
  desired: DesiredState;
  /** An earlier deployment of this plan tried this step and its write may have landed. */
  earlierAttemptMayHaveLanded: boolean;
}

export interface StepOutcome {
  status: "succeeded" | "failed";
  /** Failed because APIM changed since the plan was made: only a new plan can go on. */
  conflict: boolean;
  ifMatch: string | null;
  /** The status ARM answered the step's write (or the read that decided it). */
  httpStatus: number | null;
  etagAfter: string | null;
  requestIds: string[];
  error: StepError | null;
  note: string | null;
}

/**
 * Runs one plan operation with the plan's If-Match (never `*`).
 * - Creates look first: ARM has no If-None-Match, so an unconditional PUT onto an entity that
 *   appeared since the plan would overwrite it. An entity already exactly as desired counts as
 *   done; any other is a conflict.
 * - A backend update re-reads the backend (same ETag required) and replaces only the managed
 *   fields, so settings the plan never stored (a proxy password, say) are kept as they are.
 * - When ARM's answer says the write may have landed (a lost answer, a 5xx, or a 412 after such
 *   an attempt), the entity is read again: if it already holds what the step writes, the step
 *   succeeded and its note says why. Otherwise a 412 is a conflict and anything else a failure.
 */
export async function executeStep(operation: PlanOperation, context: StepContext): Promise<StepOutcome> {
  const calls = stepCalls(context.correlationId);
  const ifMatch = operation.expected === "absent" ? null : operation.expected.etag;
  const outcome = (
    fields: Pick<StepOutcome, "status" | "conflict" | "etagAfter" | "error" | "note">,
    httpStatus = calls.lastStatus,
  ): StepOutcome => ({
    ...fields,
    ifMatch,
    httpStatus,
    requestIds: calls.requestIds,
  });
  const succeeded = (etagAfter: string | null, note: string | null = null) =>
    outcome({ status: "succeeded", conflict: false, etagAfter, error: null, note });
  const conflicted = (error: StepError) =>
    outcome({
      status: "failed",
      conflict: true,
      etagAfter: null,
      error,
      note: "APIM changed since the plan was made: make a new plan.",
    });

  try {
    if (operation.kind === "policy.create" || operation.kind === "backend.create") {
      const existing = await readCurrent(operation, context, calls);
      if (existing === null) return succeeded(await write(operation, context, calls));
      if (existing.matches)
        return succeeded(existing.etag, "APIM already held exactly what this step creates, so nothing was written.");
      return conflicted(
        changedSincePlan(`${describe(operation)} was created by someone else after the plan was made.`),
      );
    }
    if (operation.kind === "backend.update") {
      const current = await readCurrent(operation, context, calls);
      if (current === null)
        return conflicted(changedSincePlan(`${describe(operation)} was deleted after the plan was made.`));
      if (current.etag !== operation.expected.etag) {
        if (context.earlierAttemptMayHaveLanded && current.matches) return succeeded(current.etag, `${RECONCILED}.`);
        return conflicted(
          changedSincePlan(
            `${describe(operation)} changed after the plan was made (ETag ${operation.expected.etag} is now ${current.etag}).`,
          ),
        );
      }
      return succeeded(await write(operation, context, calls, current.properties));
    }
    return succeeded(await write(operation, context, calls));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const writeStatus = calls.lastStatus;
    const failure = stepErrorOf(error);
    const isConflict = error.code === "precondition_failed";
    if (failure.mayHaveLanded || (isConflict && context.earlierAttemptMayHaveLanded)) {
      try {
        const current = await readCurrent(operation, context, calls);
        const reached = operation.kind === "backend.delete" ? current === null : current?.matches === true;
        if (reached)
          return outcome(
            {
              status: "succeeded",
              conflict: false,
              etagAfter: current?.etag ?? null,
              error: null,
              note: `${RECONCILED}. ARM had answered: ${error.message}`,
            },
            writeStatus,
          );
      } catch (readError) {
        if (!(readError instanceof AppError)) throw readError;
        const note = `Whether the write landed is unknown: re-reading ${describe(operation)} failed too (${readError.message}).`;
        return outcome({ status: "failed", conflict: false, etagAfter: null, error: failure, note }, writeStatus);
      }
    }
    if (isConflict) return { ...conflicted(failure), httpStatus: writeStatus };
    return outcome({ status: "failed", conflict: false, etagAfter: null, error: failure, note: null }, writeStatus);
  }
}

const RECONCILED =
  "The write's answer was lost or failed, but re-reading showed APIM already holds what this step writes: the write had landed, so the step counts as succeeded";

/** Sends the operation's write; the ETag after it (null after a delete). */
async function write(
  operation: PlanOperation,
  { apim }: StepContext,
  calls: StepCalls,
  liveProperties?: BackendProperties,
): Promise<string | null> {
  switch (operation.kind) {
    case "policy.create":
    case "policy.update":
      return (
        await calls.run((options) => apim.putApiPolicy(operation.target, operation.xml, operation.expected, options))
      ).etag;
    case "backend.create":
      return (await calls.run((options) => apim.putBackend(operation.target, operation.backend, "absent", options)))
        .etag;
    case "backend.update":
      return (
        await calls.run((options) =>
          apim.putBackend(
            operation.target,
            withManagedFields(liveProperties!, operation.backend),
            operation.expected,
            options,
          ),
        )
      ).etag;
    case "backend.delete":
      await calls.run((options) => apim.deleteBackend(operation.target, operation.expected, options));
      return null;
  }
}

interface Current {
  etag: string;
  /** The entity already holds what the operation writes (by meaning, not bytes). */
  matches: boolean;
  properties?: BackendProperties;
}

async function readCurrent(
  operation: PlanOperation,
  { apim, desired }: StepContext,
  calls: StepCalls,
): Promise<Current | null> {
  switch (operation.kind) {
    case "policy.create":
    case "policy.update": {
      const policy = await calls.run((options) => apim.getApiPolicy(operation.target, options));
      return policy && { etag: policy.etag, matches: samePolicy(policy.xml, operation.xml, desired) };
    }
    case "backend.create":
    case "backend.update": {
      const backend = await calls.run((options) => apim.getBackend(operation.target, options));
      return (
        backend && {
          etag: backend.etag,
          matches: sameBackendFields(managedFieldsOf(backend.properties), operation.backend),
          properties: backend.properties,
        }
      );
    }
    case "backend.delete": {
      const etag = await calls.run((options) => apim.getBackendEtag(operation.target, options));
      return etag === null ? null : { etag, matches: false };
    }
  }
}

/** The stored policy is the one the step writes: same managed block and the same everything else. */
function samePolicy(stored: string, written: string, desired: DesiredState): boolean {
  const backends: Record<string, ManagedBackendFields> = desired.backend
    ? { [desired.backend.backendId]: desired.backend.fields }
    : {};
  const live = policyStateOf(stored, backends);
  const wanted = policyStateOf(written, backends);
  return live !== null && wanted !== null && sameManagedPart(live, wanted) && sameOutside(live, wanted);
}

function describe(operation: PlanOperation): string {
  return operation.kind.startsWith("policy.")
    ? `The policy of API '${operation.target}'`
    : `Backend '${operation.target}'`;
}
