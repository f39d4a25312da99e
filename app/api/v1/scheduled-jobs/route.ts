import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { listScheduledJobs } from "@/lib/scheduler/list-scheduled-jobs";

export const GET = apiHandler(operations.listScheduledJobs, async (ctx) => ({ items: await listScheduledJobs(ctx) }));
