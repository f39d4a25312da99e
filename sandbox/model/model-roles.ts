/**
 * Azure built-in roles whose data actions allow inference on an Azure OpenAI / AI services
 * account (`Microsoft.CognitiveServices/accounts/OpenAI/*` data actions or wider). The role
 * definition ids are the same in every tenant.
 */
export const COGNITIVE_SERVICES_OPENAI_USER = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
const INFERENCE_ROLES: ReadonlySet<string> = new Set([
  COGNITIVE_SERVICES_OPENAI_USER,
  "a001fd3d-188f-4b5d-821b-7da978bf7442", // Cognitive Services OpenAI Contributor
  "a97b65f3-24c7-4388-baec-2e87135dc908", // Cognitive Services User
]);

/**
 * The built-in role definitions the sandbox knows (a role assignment must name one): the
 * inference roles plus Owner, Contributor and Reader, which allow no inference.
 */
export const BUILT_IN_ROLE_DEFINITIONS: ReadonlySet<string> = new Set([
  ...INFERENCE_ROLES,
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
  "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
  "acdd72a7-3385-48ef-bd42-f606fba81ae7", // Reader
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
