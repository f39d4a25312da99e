import { operations } from "@/lib/api/operations";
import { getApi } from "@/lib/apis/get-api";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.getApi, (ctx, { params }) => getApi(ctx, { apiId: params.id }));
