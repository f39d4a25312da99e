import { randomBytes } from "node:crypto";
import { sandboxModelAccounts } from "../../model/model-accounts";
import { COGNITIVE_SERVICES_OPENAI_USER } from "../../model/model-roles";
import type { SimulatorContext } from "../resources/arm-exchange";

/**
 * What the gateway and the model need besides the ARM seed: two subscriptions — one for all
 * APIs (a key for every API that requires one) and one to the "LLM Standard" product (its
 * calls run the product's policy) — and the role assignments that let the service's
 * system-assigned identity call both model accounts ("Cognitive Services OpenAI User"), as an
 * administrator sets them up in Azure. The user-assigned identity holds no role: a call with
 * it is refused by the model until one is assigned. Keys are random per seed, like APIM's.
 */
export async function applyGatewaySeed({ state, service, identity }: SimulatorContext): Promise<void> {
  const now = new Date().toISOString();
  const subscription = (name: string, displayName: string, scope: string) =>
    state.subscriptions.save({
      name,
      displayName,
      scope,
      state: "active",
      primaryKey: randomBytes(16).toString("hex"),
      secondaryKey: randomBytes(16).toString("hex"),
      allowTracing: false,
      createdDate: now,
    }).persisted;
  const systemAssigned = identity.principalId;
  const roleAssignments =
    systemAssigned === undefined
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
        );
  await Promise.all([
    subscription("sandbox-all-apis", "Sandbox: all APIs", "/apis"),
    subscription("sandbox-llm-standard", "Sandbox: LLM Standard", "/products/llm-standard"),
    ...roleAssignments,
  ]);
}
