import type { ServiceManagedIdentity } from "../resources/arm-exchange";

/**
 * The managed identities of the sandbox's APIM service, as the service GET answers them
 * (shape of ApiManagementServiceGetService): the system-assigned identity and one
 * user-assigned identity, keyed by its ARM resource id. All ids are made up; the sandbox
 * passes its identity provider's tenant instead of this one (ApimSimulatorOptions.identity).
 */
export const sandboxUserAssignedIdentityId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/portcullis-sandbox/providers/Microsoft.ManagedIdentity/userAssignedIdentities/portcullis-sandbox-llm-client";

export const sandboxServiceIdentity: ServiceManagedIdentity = {
  type: "SystemAssigned, UserAssigned",
  principalId: "00000000-0000-0000-0000-00000000a91d",
  tenantId: "00000000-0000-0000-0000-0000000000aa",
  userAssignedIdentities: {
    [sandboxUserAssignedIdentityId]: {
      principalId: "00000000-0000-0000-0000-00000000b01e",
      clientId: "00000000-0000-0000-0000-00000000c11e",
    },
  },
};
