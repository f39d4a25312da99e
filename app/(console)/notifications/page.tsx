import type { Metadata } from "next";
import { ButtonForm } from "@/components/forms/button-form";
import { DeliveryLog } from "@/components/notifications/delivery-log";
import { RegisterWebhookForm } from "@/components/notifications/register-webhook-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { guardPage } from "@/lib/auth/console-guard";
import { listInstances } from "@/lib/instances/list-instances";
import { EVENT_TYPE_LABELS, WEBHOOK_EVENT_TYPES } from "@/lib/notifications/event-types";
import { listWebhookDeliveries } from "@/lib/notifications/list-webhook-deliveries";
import { listWebhooks } from "@/lib/notifications/list-webhooks";
import { webhookInputSchema } from "@/lib/notifications/schemas";
import {
  deleteWebhookAction,
  regenerateWebhookSecretAction,
  registerWebhookAction,
  sendTestEventAction,
  setWebhookEnabledAction,
} from "./actions";
import { RegenerateSecretForm } from "@/components/notifications/regenerate-secret-form";

export const metadata: Metadata = { title: "Notifications" };

const shape = webhookInputSchema.shape;
const FORMATS = [
  { value: "cloudevents", label: "CloudEvents 1.0 JSON" },
  { value: "teams", label: "Microsoft Teams (incoming webhook)" },
  { value: "slack", label: "Slack (incoming webhook)" },
];

export default async function NotificationsPage() {
  const ctx = await guardPage("/notifications");
  const canWrite = ctx.permissions.has("config.write");
  const [{ items: webhooks }, { items: instances }] = await Promise.all([
    listWebhooks(ctx),
    listInstances(ctx, { limit: 200 }),
  ]);
  const logs = await Promise.all(
    webhooks.map((webhook) => listWebhookDeliveries(ctx, { webhookId: webhook.id, query: { limit: 10 } })),
  );

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Notifications</h1>
        <p className="text-sm text-slate-600">
          Webhooks Portcullis calls when something happens: drift, a failed deployment, a signed audit checkpoint. Each
          delivery is signed (Standard Webhooks) and retried with backoff until the receiver takes it.
        </p>
      </div>

      {webhooks.length === 0 ? (
        <Alert title="No webhook is registered yet.">
          {canWrite ? "Register one below." : "An administrator registers the webhooks Portcullis calls."}
        </Alert>
      ) : (
        <ul className="space-y-4">
          {webhooks.map((webhook, index) => (
            <li key={webhook.id}>
              <Section
                card
                as="article"
                id={`webhook-${webhook.id}`}
                title={<span className="break-all font-mono text-base">{webhook.url}</span>}
                subtitle={
                  <p className="text-sm text-slate-600">
                    {webhook.instanceName ? `Events of ${webhook.instanceName}` : "Events of all instances"} ·{" "}
                    {webhook.events.map((e) => EVENT_TYPE_LABELS[e as keyof typeof EVENT_TYPE_LABELS] ?? e).join(", ")}{" "}
                    · {FORMATS.find((f) => f.value === webhook.format)?.label} · registered by {webhook.createdBy}
                  </p>
                }
                aside={
                  <Badge tone={webhook.enabled ? "success" : "neutral"}>
                    {webhook.enabled ? "enabled" : "disabled"}
                  </Badge>
                }
              >
                {canWrite ? (
                  <div className="flex flex-wrap gap-2">
                    <ButtonForm
                      action={sendTestEventAction}
                      fields={{ webhookId: webhook.id }}
                      busyText="Sending…"
                      errorTitle="The test event was not sent"
                    >
                      Send test event
                    </ButtonForm>
                    <ButtonForm
                      action={setWebhookEnabledAction}
                      fields={{ webhookId: webhook.id, enabled: String(!webhook.enabled) }}
                      busyText="Saving…"
                      errorTitle="The webhook was not changed"
                    >
                      {webhook.enabled ? "Disable" : "Enable"}
                    </ButtonForm>
                    <ButtonForm
                      action={deleteWebhookAction}
                      fields={{ webhookId: webhook.id }}
                      busyText="Deleting…"
                      tone="danger"
                      errorTitle="The webhook was not deleted"
                    >
                      Delete
                    </ButtonForm>
                    <RegenerateSecretForm action={regenerateWebhookSecretAction} webhookId={webhook.id} />
                  </div>
                ) : null}
                <h3 className="text-sm font-semibold">Delivery log</h3>
                <DeliveryLog webhookUrl={webhook.url} deliveries={logs[index]!.items} />
              </Section>
            </li>
          ))}
        </ul>
      )}

      {canWrite ? (
        <Section card>
          <RegisterWebhookForm
            action={registerWebhookAction}
            instances={instances.map(({ id, name }) => ({ id, name }))}
            events={WEBHOOK_EVENT_TYPES.map((type) => ({ type, label: EVENT_TYPE_LABELS[type] }))}
            formats={FORMATS}
            hints={{
              url: shape.url.description,
              instanceId: shape.instanceId.description,
              events: "Which events to send.",
              format: shape.format.description,
            }}
          />
        </Section>
      ) : null}
    </div>
  );
}
