import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { getEnvironmentVariables } from "@/lib/environments/get-environment-variables";
import { putEnvironmentVariables } from "@/lib/environments/put-environment-variables";

export const GET = apiHandler(operations.getEnvironmentVariables, async (ctx, { params }) => ({
  body: await getEnvironmentVariables(ctx, { environment: params.name }),
}));

export const PUT = apiHandler(operations.putEnvironmentVariables, async (ctx, { params, body }) => ({
  body: await putEnvironmentVariables(ctx, { environment: params.name, variables: body.variables }),
}));
