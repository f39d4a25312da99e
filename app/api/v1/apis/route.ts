import { operations } from "@/lib/rest/operations";
import { listApis } from "@/lib/apis/list-apis";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.listApis, (ctx, { query }) => listApis(ctx, query));
