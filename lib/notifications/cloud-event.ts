import { z } from "zod";

/**
 * A CloudEvents 1.0 event in its JSON format (structured mode): what a `cloudevents` webhook
 * receives as the body, and what the outbox stores for every format (Teams and Slack messages
 * are made from it when sent).
 */
export const cloudEventSchema = z.object({
  specversion: z.literal("1.0"),
  id: z.string(),
  /** `/portcullis/instances/<id>` for an instance's events, `/portcullis` for the others. */
  source: z.string(),
  type: z.string(),
  /** The instance the event is about, when there is one. */
  subject: z.string().optional(),
  time: z.string(),
  datacontenttype: z.literal("application/json"),
  data: z.record(z.string(), z.unknown()),
});

export type CloudEvent = z.infer<typeof cloudEventSchema>;

export function eventSource(instanceId: string | null): string {
  return instanceId === null ? "/portcullis" : `/portcullis/instances/${instanceId}`;
}
