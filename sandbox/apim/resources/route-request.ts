import { methodNotAllowed } from "../arm/front-door-errors";
import { deleteApiPolicy, getApiPolicy, listApiPolicies, putApiPolicy } from "./api-policies/api-policy-handlers";
import { deleteApi, getApi, listApis, patchApi, putApi } from "./apis/api-handlers";
import type { ArmRequest, ArmResponse, SimulatorContext } from "./arm-exchange";
import { deleteBackend, getBackend, listBackends, patchBackend, putBackend } from "./backends/backend-handlers";
import {
  deleteNamedValue,
  getNamedValue,
  listNamedValueValue,
  listNamedValues,
  patchNamedValue,
  putNamedValue,
  refreshNamedValueSecret,
} from "./named-values/named-value-handlers";
import type { ArmTarget } from "./resource-path";
import { getService } from "./service-handler";

type Handler = (context: SimulatorContext, request: ArmRequest, id: string) => ArmResponse | Promise<ArmResponse>;

interface EntityHandlers {
  list: (context: SimulatorContext, request: ArmRequest) => ArmResponse;
  get: Handler;
  put: Handler;
  patch: Handler;
  delete: Handler;
}

const entities: Record<"apis" | "namedValues" | "backends", EntityHandlers> = {
  apis: { list: listApis, get: getApi, put: putApi, patch: patchApi, delete: deleteApi },
  namedValues: {
    list: listNamedValues,
    get: getNamedValue,
    put: putNamedValue,
    patch: patchNamedValue,
    delete: deleteNamedValue,
  },
  backends: { list: listBackends, get: getBackend, put: putBackend, patch: patchBackend, delete: deleteBackend },
};

/** Dispatches an authenticated ARM request to the handler of its resource and method. */
export async function routeRequest(
  context: SimulatorContext,
  target: ArmTarget,
  request: ArmRequest,
): Promise<ArmResponse> {
  const { method } = request;
  const read = method === "GET" || method === "HEAD";
  switch (target.resource) {
    case "service":
      if (read) return getService(context, request);
      break;
    case "namedValueAction":
      if (method === "POST") {
        return target.action === "listValue"
          ? listNamedValueValue(context, target.id)
          : refreshNamedValueSecret(context, request, target.id);
      }
      break;
    case "apiPolicies":
      if (target.policyId === undefined) {
        if (method === "GET") return listApiPolicies(context, request, target.apiId);
      } else if (read) return getApiPolicy(context, request, target.apiId, target.policyId);
      else if (method === "PUT") return putApiPolicy(context, request, target.apiId, target.policyId);
      else if (method === "DELETE") return deleteApiPolicy(context, request, target.apiId, target.policyId);
      break;
    default: {
      const handlers = entities[target.resource];
      if (target.id === undefined) {
        if (method === "GET") return handlers.list(context, request);
      } else if (read) return handlers.get(context, request, target.id);
      else if (method === "PUT") return handlers.put(context, request, target.id);
      else if (method === "PATCH") return handlers.patch(context, request, target.id);
      else if (method === "DELETE") return handlers.delete(context, request, target.id);
    }
  }
  throw methodNotAllowed(method);
}
