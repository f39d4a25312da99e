import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getMe, async (ctx) => ({
  type: ctx.actor.type,
  oid: ctx.actor.oid,
  tid: ctx.actor.tid,
  name: ctx.actor.name,
  roles: ctx.actor.roles,
  permissions: [...ctx.permissions].sort(),
}));
