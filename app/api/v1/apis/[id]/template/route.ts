import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { followTemplate } from "@/lib/templates/follow-template";
import { unfollowTemplate } from "@/lib/templates/unfollow-template";

export const PUT = apiHandler(operations.followTemplate, (ctx, { params, body, ifMatch }) =>
  followTemplate(ctx, { apiId: params.id, ifMatch, follow: body }),
);

export const DELETE = apiHandler(operations.unfollowTemplate, (ctx, { params }) =>
  unfollowTemplate(ctx, { apiId: params.id }),
);
