import type { SubscriptionRecord } from "../../store/records";
import { servicePath, type ServiceIdentity } from "../arm-exchange";

/**
 * SubscriptionContract (2024-05-01 GetSubscription, ListSubscriptions, CreateSubscription
 * examples): the scope as the service's ARM id plus the relative scope, and no keys — those
 * only listSecrets answers (SubscriptionListSecrets example).
 */
export function subscriptionContract(record: SubscriptionRecord, service: ServiceIdentity): object {
  return {
    id: `${servicePath(service)}/subscriptions/${record.name}`,
    type: "Microsoft.ApiManagement/service/subscriptions",
    name: record.name,
    properties: {
      ...(record.ownerId ? { ownerId: record.ownerId } : {}),
      scope: `${servicePath(service)}${record.scope}`,
      displayName: record.displayName,
      state: record.state,
      createdDate: record.createdDate,
      allowTracing: record.allowTracing,
    },
  };
}
