import { methodNotAllowed } from "../arm/front-door-errors";
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
import {
  deleteOperation,
  getOperation,
  listOperations,
  patchOperation,
  putOperation,
} from "./operations/operation-handlers";
import { deletePolicy, getPolicy, listPolicies, putPolicy } from "./policies/policy-handlers";
import {
  checkProductApi,
  deleteProductApi,
  listApiProducts,
  listProductApis,
  putProductApi,
} from "./product-apis/product-api-handlers";
import { deleteProduct, getProduct, listProducts, patchProduct, putProduct } from "./products/product-handlers";
import type { ArmTarget, EntityResource } from "./resource-path";
import { getService } from "./service-handler";
import {
  deleteSubscription,
  getSubscription,
  listSubscriptionSecrets,
  listSubscriptions,
  patchSubscription,
  putSubscription,
  regenerateSubscriptionKey,
} from "./subscriptions/subscription-handlers";

type Handler = (context: SimulatorContext, request: ArmRequest, id: string) => ArmResponse | Promise<ArmResponse>;

interface EntityHandlers {
  list: (context: SimulatorContext, request: ArmRequest) => ArmResponse;
  get: Handler;
  put: Handler;
  patch: Handler;
  delete: Handler;
}

const entities: Record<EntityResource, EntityHandlers> = {
  apis: { list: listApis, get: getApi, put: putApi, patch: patchApi, delete: deleteApi },
  namedValues: {
    list: listNamedValues,
    get: getNamedValue,
    put: putNamedValue,
    patch: patchNamedValue,
    delete: deleteNamedValue,
  },
  backends: { list: listBackends, get: getBackend, put: putBackend, patch: patchBackend, delete: deleteBackend },
  products: { list: listProducts, get: getProduct, put: putProduct, patch: patchProduct, delete: deleteProduct },
  subscriptions: {
    list: listSubscriptions,
    get: getSubscription,
    put: putSubscription,
    patch: patchSubscription,
    delete: deleteSubscription,
  },
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
    case "subscriptionAction":
      if (method === "POST") {
        if (target.action === "listSecrets") return listSubscriptionSecrets(context, target.id);
        return regenerateSubscriptionKey(
          context,
          target.id,
          target.action === "regeneratePrimaryKey" ? "primaryKey" : "secondaryKey",
        );
      }
      break;
    case "policies":
      if (target.policyId === undefined) {
        if (method === "GET") return listPolicies(context, request, target.scope);
      } else if (read) return getPolicy(context, request, target.scope, target.policyId);
      else if (method === "PUT") return putPolicy(context, request, target.scope, target.policyId);
      else if (method === "DELETE") return deletePolicy(context, request, target.scope, target.policyId);
      break;
    case "operations":
      if (target.id === undefined) {
        if (method === "GET") return listOperations(context, request, target.apiId);
      } else if (read) return getOperation(context, request, target.apiId, target.id);
      else if (method === "PUT") return putOperation(context, request, target.apiId, target.id);
      else if (method === "PATCH") return patchOperation(context, request, target.apiId, target.id);
      else if (method === "DELETE") return deleteOperation(context, request, target.apiId, target.id);
      break;
    case "productApis":
      if (target.apiId === undefined) {
        if (method === "GET") return listProductApis(context, request, target.productId);
      } else if (method === "HEAD") return checkProductApi(context, target.productId, target.apiId);
      else if (method === "PUT") return putProductApi(context, target.productId, target.apiId);
      else if (method === "DELETE") return deleteProductApi(context, target.productId, target.apiId);
      break;
    case "apiProducts":
      if (method === "GET") return listApiProducts(context, request, target.apiId);
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
