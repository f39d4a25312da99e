import type { AppliedState, DesiredState, PlanOperation } from "../schemas";

/**
 * What APIM holds after every step of the plan succeeded: the desired state, with the ETags the
 * steps' writes returned (or the ones the plan read, for entities no step wrote).
 */
export function appliedStateOf(
  operations: readonly PlanOperation[],
  desired: DesiredState,
  etagsAfter: ReadonlyMap<number, string | null>,
): AppliedState {
  const etagWritten = (matches: (operation: PlanOperation) => boolean) => {
    const operation = operations.find(matches);
    return operation === undefined ? undefined : etagsAfter.get(operation.seq);
  };
  const { policy, backend } = desired;
  const policyEtag = policy && (etagWritten((operation) => operation.kind.startsWith("policy.")) ?? policy.etag);
  const backendEtag =
    backend &&
    (etagWritten((operation) => operation.target === backend.backendId && operation.kind !== "backend.delete") ??
      backend.etag);
  return {
    profileVersion: desired.profileVersion,
    profile: desired.profile,
    // Every entity in the desired state exists once its steps succeeded: the plan read it, or a step created it.
    policy: policy && { etag: policyEtag!, xml: policy.xml },
    backend: backend && { backendId: backend.backendId, etag: backendEtag!, fields: backend.fields },
    namedValues: desired.namedValues,
    createdBackends: operations
      .filter((operation) => operation.kind === "backend.create")
      .map((operation) => operation.target),
    removedBackends: operations
      .filter((operation) => operation.kind === "backend.delete")
      .map((operation) => operation.target),
  };
}
