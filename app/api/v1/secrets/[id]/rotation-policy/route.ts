import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { setRotationPolicy } from "@/lib/rotation/set-rotation-policy";

export const PUT = apiHandler(operations.setSecretRotationPolicy, (ctx, { params, body }) =>
  setRotationPolicy(ctx, { secretId: params.id, intervalDays: body.intervalDays }),
);
