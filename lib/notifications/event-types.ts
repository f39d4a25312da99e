/**
 * The events a webhook can subscribe to. The CloudEvents `type` is `com.portcullis.` + the name
 * (e.g. `com.portcullis.drift.detected`); `webhook.test` is sent only by "Send test event" and
 * cannot be subscribed to.
 */
export const WEBHOOK_EVENT_TYPES = [
  "drift.detected",
  "deployment.failed",
  "deployment.conflicted",
  "audit.checkpoint",
  "audit.verification_failed",
  "verification.failed",
  "secret.rotation_due",
  "approval.requested",
  "approval.expired",
  "approval.superseded",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const TEST_EVENT_TYPE = "webhook.test";

/** For people: the register form and the messages sent to Teams and Slack. */
export const EVENT_TYPE_LABELS: Record<WebhookEventType | typeof TEST_EVENT_TYPE, string> = {
  "drift.detected": "Drift detected",
  "deployment.failed": "Deployment failed",
  "deployment.conflicted": "Deployment conflicted",
  "audit.checkpoint": "Audit checkpoint signed",
  "audit.verification_failed": "Audit verification failed",
  "verification.failed": "Verification failed",
  "secret.rotation_due": "Secret due for rotation",
  "approval.requested": "Approval requested",
  "approval.expired": "Approval expired",
  "approval.superseded": "Approval no longer needed (change set superseded)",
  "webhook.test": "Test event",
};

export function cloudEventType(type: string): string {
  return `com.portcullis.${type}`;
}
