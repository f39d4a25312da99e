import { randomBytes } from "node:crypto";
import { sandboxModelAccounts } from "../../model/model-accounts";
import { COGNITIVE_SERVICES_OPENAI_USER } from "../../model/model-roles";
import type { SimulatorContext } from "../resources/arm-exchange";

/**
 * What the gateway and the model need besides the ARM seed: a subscription for all APIs (so
 * the APIs that require a key can be called) and the role assignments that let the service's
 * system-assigned identity call both model accounts ("Cognitive Services OpenAI User"), as
 * an administrator sets them up in Azure. Keys are random per seed, like APIM's.
 */
export async function applyGatewaySeed({ state, service, identity }: SimulatorContext): Promise<void> {
  const systemAssigned = identity.principalId;
  const now = new Date().toISOString();
  const writes: Promise<void>[] = [
    state.subscriptions.save({
      name: "sandbox-all-apis",
      displayName: "Sandbox: all APIs",
      scope: "/apis",
      state: "active",
      primaryKey: randomBytes(16).toString("hex"),
      secondaryKey: randomBytes(16).toString("hex"),
      allowTracing: false,
      createdDate: now,
    }).persisted,
    ...(systemAssigned === undefined
      ? []
      : sandboxModelAccounts(service.subscriptionId, service.resourceGroup).map(
          (account, index) =>
            state.roleAssignments.save({
              name: `00000000-0000-0000-0000-0000000000${String(index + 1).padStart(2, "0")}`,
              scope: account.resourceId,
              roleDefinitionId: `/subscriptions/${service.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${COGNITIVE_SERVICES_OPENAI_USER}`,
              principalId: systemAssigned,
              principalType: "ServicePrincipal",
              createdOn: now,
            }).persisted,
        )),
  ];
  await Promise.all(writes);
}
