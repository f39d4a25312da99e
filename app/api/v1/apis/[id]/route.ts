import { operations } from "@/lib/rest/operations";
import { getApi } from "@/lib/apis/get-api";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getApi, (ctx, { params }) => getApi(ctx, { apiId: params.id }));
