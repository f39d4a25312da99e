import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { runScheduledJobNow } from "@/lib/scheduler/run-scheduled-job-now";

export const POST = apiHandler(operations.runScheduledJobNow, (ctx, { params }) =>
  runScheduledJobNow(ctx, { name: params.name }),
);
