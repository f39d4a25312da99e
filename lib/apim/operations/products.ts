import type { ProductContract } from "@azure/arm-apimanagement";
import type { ArmResult } from "../call/arm-call";
import type { ApimContext } from "./apim-context";
import { apiOfEntity, type ApimApi } from "./apis";
import { flattened, listAll, type ListOptions, type RawEntity } from "./collect-pages";

/**
 * A product as the access analysis needs it: a call that comes through a product that
 * requires a subscription must carry one of its keys, and runs the product's policy.
 */
export interface ApimProduct {
  /** ARM name, e.g. `llm-standard`. */
  name: string;
  displayName: string;
  description: string | null;
  /** APIM assumes true when it is not set. */
  subscriptionRequired: boolean;
  approvalRequired: boolean | null;
  /** `published` or `notPublished`: developers can subscribe only to a published product. */
  state: string | null;
}

/** All products of the service, following `nextLink` across pages. */
export function listProducts(
  ctx: ApimContext,
  options: ListOptions<ApimProduct> = {},
): Promise<ArmResult<ApimProduct[]>> {
  return listAll(
    ctx,
    `the products of service '${ctx.instance.serviceName}'`,
    `${ctx.serviceUrl}/products?api-version=${ctx.apiVersion}`,
    productOfEntity,
    options,
  );
}

/** The APIs a product holds. */
export function listProductApis(
  ctx: ApimContext,
  productName: string,
  options: ListOptions<ApimApi> = {},
): Promise<ArmResult<ApimApi[]>> {
  const url = `${ctx.serviceUrl}/products/${encodeURIComponent(productName)}/apis?api-version=${ctx.apiVersion}`;
  return listAll(ctx, `the APIs of product '${productName}'`, url, apiOfEntity, options);
}

/** The products holding an API (one list, instead of every product's APIs, for one API). */
export function listApiProducts(
  ctx: ApimContext,
  apiName: string,
  options: ListOptions<ApimProduct> = {},
): Promise<ArmResult<ApimProduct[]>> {
  const url = `${ctx.serviceUrl}/apis/${encodeURIComponent(apiName)}/products?api-version=${ctx.apiVersion}`;
  return listAll(ctx, `the products of API '${apiName}'`, url, productOfEntity, options);
}

function productOfEntity(entity: RawEntity): ApimProduct {
  const product = flattened<ProductContract>(entity);
  return {
    name: product.name ?? "",
    displayName: product.displayName ?? product.name ?? "",
    description: product.description ?? null,
    subscriptionRequired: product.subscriptionRequired ?? true,
    approvalRequired: product.approvalRequired ?? null,
    state: product.state ?? null,
  };
}
