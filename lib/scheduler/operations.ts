import { defineOperation } from "../rest/operation";
import { scheduledJobListSchema, scheduledJobParams, scheduledJobSchema } from "./schemas";

/** REST operations of scheduled jobs (see lib/rest/operations.ts). Reading: config.read; run now: admins. */
export const schedulerOperations = {
  listScheduledJobs: defineOperation({
    id: "listScheduledJobs",
    method: "GET",
    path: "/scheduled-jobs",
    permission: "config.read",
    summary: "Scheduled jobs with their last run, outcome and next run",
    tags: ["scheduled jobs"],
    response: scheduledJobListSchema,
  }),
  runScheduledJobNow: defineOperation({
    id: "runScheduledJobNow",
    method: "POST",
    path: "/scheduled-jobs/{name}/runs",
    permission: "config.write",
    summary: "Run a scheduled job now",
    description:
      "Makes the job due at once: the next scheduler tick (within 10 s) runs it under its lease, once. 409 while a run of it is in progress.",
    tags: ["scheduled jobs"],
    params: scheduledJobParams,
    response: scheduledJobSchema,
    successStatus: 202,
  }),
};
