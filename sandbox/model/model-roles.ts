/**
 * Azure built-in roles whose data actions allow inference on an Azure OpenAI / AI services
 * account (`Microsoft.CognitiveServices/accounts/OpenAI/*` data actions or wider). The role
 * definition ids are the same in every tenant.
 */
export const COGNITIVE_SERVICES_OPENAI_USER = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
const INFERENCE_ROLES = new Set([
  COGNITIVE_SERVICES_OPENAI_USER,
  "a001fd3d-188f-4b5d-821b-7da978bf7442", // Cognitive Services OpenAI Contributor
  "a97b65f3-24c7-4388-baec-2e87135dc908", // Cognitive Services User
]);

/** A role assignment as the model needs it: who, which role, where. */
export interface ModelRoleAssignment {
  principalId: string;
  /** `/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}` (or just the guid). */
  roleDefinitionId: string;
  scope: string;
}

/**
 * True when `principalId` holds an inference role on the account, assigned at the account
 * itself or inherited from a scope above it (resource group, subscription), as Azure RBAC does.
 */
export function mayInvoke(
  assignments: readonly ModelRoleAssignment[],
  principalId: string,
  accountId: string,
): boolean {
  const account = accountId.toLowerCase();
  return assignments.some((assignment) => {
    const scope = assignment.scope.toLowerCase().replace(/\/+$/, "");
    const role = assignment.roleDefinitionId.toLowerCase().split("/").pop() ?? "";
    return (
      assignment.principalId.toLowerCase() === principalId.toLowerCase() &&
      INFERENCE_ROLES.has(role) &&
      (account === scope || account.startsWith(`${scope}/`))
    );
  });
}
