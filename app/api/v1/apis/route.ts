import { operations } from "@/lib/api/operations";
import { listApis } from "@/lib/apis/list-apis";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.listApis, (ctx, { query }) => listApis(ctx, query));
