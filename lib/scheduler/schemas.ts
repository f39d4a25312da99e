import { z } from "zod";

export const scheduledJobSchema = z.object({
  name: z.string().describe("The job's id, e.g. `drift-scan:<instance id>` or `rotation-cleanup`."),
  label: z.string().describe('What the job does, for people ("Drift scan of prod-westeurope").'),
  running: z.boolean().describe("A run holds an unexpired lease now."),
  lastRunAt: z.string().nullable(),
  lastOutcome: z.enum(["succeeded", "failed"]).nullable(),
  lastSummary: z.string().nullable(),
  lastError: z.string().nullable(),
  nextRunAt: z.string().describe("When a scheduler next runs it (now or earlier: at its next tick, every 10 s)."),
});
export type ScheduledJobView = z.infer<typeof scheduledJobSchema>;

export const scheduledJobListSchema = z.object({ items: z.array(scheduledJobSchema) });

export const scheduledJobNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .regex(/^[a-z-]+(:[0-9a-f-]{36})?$/, "must be a scheduled job's name, e.g. rotation-cleanup or drift-scan:<id>");
export const scheduledJobParams = z.object({ name: scheduledJobNameSchema });
