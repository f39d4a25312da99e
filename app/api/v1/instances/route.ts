import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { listInstances } from "@/lib/instances/list-instances";
import { registerInstance } from "@/lib/instances/register-instance";

export const GET = apiHandler(operations.listInstances, (ctx, { query }) => listInstances(ctx, query));

export const POST = apiHandler(operations.registerInstance, async (ctx, { body }) => {
  const instance = await registerInstance(ctx, body);
  return { body: instance, status: 201, location: `/api/v1/instances/${instance.id}` };
});
