import type { ApimClient } from "../../apim";
import type { DesiredState, PlanOperation } from "../schemas";
import type { EarlierAttempt } from "./earlier-attempts";

/**
 * Entities this deployment relies on without writing them: those the plan found already as
 * desired, and those an earlier deployment of the plan already wrote. Before the first write,
 * each must still have the ETag we know (null: still absent); otherwise the baseline this
 * deployment would record is no longer true and a new plan is needed.
 */
export interface Expectation {
  what: string;
  etag: string | null;
  /** The API's policy, or the backend with this id. */
  entity: { policy: string } | { backend: string };
}

export function unwrittenExpectations(
  apimName: string,
  operations: readonly PlanOperation[],
  desired: DesiredState,
  earlier: ReadonlyMap<number, EarlierAttempt>,
): Expectation[] {
  const expectations: Expectation[] = [];
  for (const operation of operations) {
    const done = earlier.get(operation.seq)?.succeeded;
    if (!done) continue;
    const entity = operation.kind.startsWith("policy.") ? { policy: apimName } : { backend: operation.target };
    expectations.push({ what: whatOf(operation.kind, operation.target), etag: done.etagAfter, entity });
  }
  if (!operations.some((operation) => operation.kind.startsWith("policy."))) {
    expectations.push({
      what: whatOf("policy", apimName),
      etag: desired.policy?.etag ?? null,
      entity: { policy: apimName },
    });
  }
  const { backend } = desired;
  if (
    backend &&
    !operations.some((operation) => operation.target === backend.backendId && operation.kind !== "backend.delete")
  ) {
    expectations.push({
      what: whatOf("backend", backend.backendId),
      etag: backend.etag,
      entity: { backend: backend.backendId },
    });
  }
  return expectations;
}

/** Reads each expected entity's ETag (HEAD, all at once); why each that changed no longer holds. */
export async function changesSincePlan(
  apim: ApimClient,
  expectations: readonly Expectation[],
  correlationId: string,
): Promise<string[]> {
  const call = { correlationId };
  const found = await Promise.all(
    expectations.map(async (expectation) => {
      const { entity } = expectation;
      const read =
        "policy" in entity ? apim.getApiPolicyEtag(entity.policy, call) : apim.getBackendEtag(entity.backend, call);
      return { ...expectation, now: (await read).value };
    }),
  );
  return found
    .filter(({ etag, now }) => etag !== now)
    .map(
      ({ what, etag, now }) =>
        `${what} changed after the plan was made (ETag ${etag ?? "none: absent"} is now ${now ?? "none: absent"}).`,
    );
}

function whatOf(kind: string, target: string): string {
  return kind.startsWith("policy") ? `The policy of API '${target}'` : `Backend '${target}'`;
}
