import { z } from "zod";
import type { CloudEvent } from "./cloud-event";
import { EVENT_TYPE_LABELS } from "./event-types";

export const WEBHOOK_FORMATS = ["cloudevents", "teams", "slack"] as const;
export const webhookFormatSchema = z.enum(WEBHOOK_FORMATS);
export type WebhookFormat = z.infer<typeof webhookFormatSchema>;

/**
 * What a webhook receives for an event: the CloudEvent itself (JSON format, structured mode), or
 * a message for a Microsoft Teams (Adaptive Card, as Teams workflows' incoming webhooks take it)
 * or Slack incoming webhook, made from the same event.
 */
export function deliveryBody(format: WebhookFormat, event: CloudEvent): string {
  if (format === "cloudevents") return JSON.stringify(event);
  const title = `Portcullis: ${titleOf(event.type)}`;
  const summary = typeof event.data.summary === "string" ? event.data.summary : `${event.type} at ${event.time}`;
  if (format === "slack") return JSON.stringify({ text: `*${title}*\n${summary}` });
  return JSON.stringify({
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: title, weight: "Bolder", size: "Medium", wrap: true },
            { type: "TextBlock", text: summary, wrap: true },
            {
              type: "FactSet",
              facts: [
                { title: "Event", value: event.type },
                { title: "Source", value: event.source },
                { title: "Time", value: event.time },
              ],
            },
          ],
        },
      },
    ],
  });
}

function titleOf(type: string): string {
  const short = type.replace(/^com\.portcullis\./, "");
  return (EVENT_TYPE_LABELS as Record<string, string>)[short] ?? short;
}
