import type { ApimClient } from "../../apim";
import type { DesiredState, PlanOperation } from "../schemas";
import type { EarlierAttempt } from "./earlier-attempts";

/**
 * Entities this deployment relies on without writing them: those the plan found already as
 * desired, and those an earlier deployment of the plan already wrote. Before the first write,
 * each must still have the ETag we know (null: still absent); otherwise the baseline this
 * deployment would record is no longer true and a new plan is needed.
 */
interface Expectation {
  what: string;
  etag: string | null;
  read: () => Promise<string | null>;
}

export async function changesSincePlan(
  apim: ApimClient,
  apimName: string,
  operations: readonly PlanOperation[],
  desired: DesiredState,
  earlier: ReadonlyMap<number, EarlierAttempt>,
  correlationId: string,
): Promise<string[]> {
  const call = { correlationId };
  const policyEtag = async () => (await apim.getApiPolicyEtag(apimName, call)).value;
  const backendEtag = (backendId: string) => async () => (await apim.getBackendEtag(backendId, call)).value;
  const expectations: Expectation[] = [];
  for (const operation of operations) {
    const done = earlier.get(operation.seq)?.succeeded;
    if (!done) continue;
    const read = operation.kind.startsWith("policy.") ? policyEtag : backendEtag(operation.target);
    expectations.push({ what: whatOf(operation.kind, operation.target), etag: done.etagAfter, read });
  }
  if (!operations.some((operation) => operation.kind.startsWith("policy."))) {
    expectations.push({ what: whatOf("policy", apimName), etag: desired.policy?.etag ?? null, read: policyEtag });
  }
  const { backend } = desired;
  if (
    backend &&
    !operations.some((operation) => operation.target === backend.backendId && operation.kind !== "backend.delete")
  ) {
    expectations.push({
      what: whatOf("backend", backend.backendId),
      etag: backend.etag,
      read: backendEtag(backend.backendId),
    });
  }
  const found = await Promise.all(
    expectations.map(async (expectation) => ({ ...expectation, now: await expectation.read() })),
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
