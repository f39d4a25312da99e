import { entityNotFound } from "../../arm/apim-errors";
import { apisOf, productsOf } from "../../store/api-relations";
import { childKey } from "../../store/policy-scopes";
import { apiContract } from "../apis/api-contract";
import { existingApi } from "../apis/api-handlers";
import type { ArmRequest, ArmResponse, SimulatorContext } from "../arm-exchange";
import { listResponse } from "../list-response";
import { productContract } from "../products/product-contract";
import { existingProduct } from "../products/product-handlers";
import { productApiContract } from "./product-api-contract";

/**
 * Which APIs a product holds (2024-05-01 ProductApi_*, ApiProduct_ListByApis): list both
 * ways, HEAD (204 when linked), PUT (201 linked now, 200 already; answers the API's
 * contract, as CreateProductApi does) and DELETE (200, 204 when not linked). A link has no
 * ETag of its own and takes no If-Match.
 */
export function listProductApis(context: SimulatorContext, request: ArmRequest, productId: string): ArmResponse {
  const product = existingProduct(context, productId);
  return listResponse(context, request, apisOf(context.state, product.name), (api) =>
    productApiContract(product, api, context.service),
  );
}

export function listApiProducts(context: SimulatorContext, request: ArmRequest, apiId: string): ArmResponse {
  const api = existingApi(context, apiId);
  return listResponse(context, request, productsOf(context.state, api.name), (product) =>
    productContract(product, context.service, "Microsoft.ApiManagement/service/apis/products"),
  );
}

export function checkProductApi(context: SimulatorContext, productId: string, apiId: string): ArmResponse {
  const product = existingProduct(context, productId);
  if (context.state.productApis.get(childKey(product.name, apiId)) === undefined) throw entityNotFound("ProductApi");
  return { status: 204 };
}

export async function putProductApi(context: SimulatorContext, productId: string, apiId: string): Promise<ArmResponse> {
  const product = existingProduct(context, productId);
  const api = existingApi(context, apiId);
  const { created, persisted } = context.state.productApis.save({
    name: childKey(product.name, api.name),
    productId: product.name,
    apiId: api.name,
  });
  await persisted;
  return { status: created ? 201 : 200, body: apiContract(api, context.service) };
}

export async function deleteProductApi(
  context: SimulatorContext,
  productId: string,
  apiId: string,
): Promise<ArmResponse> {
  const product = existingProduct(context, productId);
  const key = childKey(product.name, apiId);
  if (context.state.productApis.get(key) === undefined) return { status: 204 };
  await context.state.productApis.delete(key);
  return { status: 200 };
}
