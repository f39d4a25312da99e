import { entityNotFound, fieldError } from "../../arm/apim-errors";
import { checkIdentifier, productIdRule } from "../../arm/names";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "../../arm/preconditions";
import type { ProductRecord } from "../../store/records";
import { entityResponse, type ArmRequest, type ArmResponse, type SimulatorContext } from "../arm-exchange";
import { listResponse } from "../list-response";
import { parseBody } from "../parse-body";
import { productContract } from "./product-contract";
import { productBodySchema, type ProductProperties } from "./product-schema";

/**
 * Products (2024-05-01 Product_*): synchronous PUT (201/200) and PATCH, DELETE taking the
 * product's API memberships and policy with it, and its subscriptions when
 * `deleteSubscriptions=true` (without it they stay, and their keys no longer open anything).
 */
export function listProducts(context: SimulatorContext, request: ArmRequest): ArmResponse {
  return listResponse(context, request, context.state.products.list(), (record) =>
    productContract(record, context.service),
  );
}

export function getProduct(context: SimulatorContext, request: ArmRequest, id: string): ArmResponse {
  const record = existingProduct(context, id);
  return entityResponse(request, record.etag, productContract(record, context.service));
}

export async function putProduct(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  checkIdentifier(id, productIdRule);
  const { properties } = parseBody(productBodySchema, request.body);
  const current = context.state.products.get(id);
  checkPutPrecondition(request.ifMatch, current?.etag);
  if (properties.displayName === undefined) throw fieldError("displayName", "displayName is required.");
  return save(context, request, id, properties);
}

export async function patchProduct(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const { properties: patch } = parseBody(productBodySchema, request.body);
  const current = existingProduct(context, id);
  checkUpdatePrecondition(ifMatch, current.etag);
  return save(context, request, id, { ...current.properties, ...patch });
}

export async function deleteProduct(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const current = context.state.products.get(id);
  if (current === undefined) return { status: 204 };
  checkUpdatePrecondition(ifMatch, current.etag);
  const { state } = context;
  const links = state.productApis.list().filter((link) => link.productId.toLowerCase() === id.toLowerCase());
  const subscriptions =
    request.url.searchParams.get("deleteSubscriptions") === "true"
      ? state.subscriptions.list().filter((record) => record.scope.toLowerCase() === `/products/${id.toLowerCase()}`)
      : [];
  await Promise.all([
    ...subscriptions.map((record) => state.subscriptions.delete(record.name)),
    ...links.map((link) => state.productApis.delete(link.name)),
    state.productPolicies.delete(current.name),
    state.products.delete(id),
  ]);
  return { status: 200 };
}

export function existingProduct(context: SimulatorContext, id: string): ProductRecord {
  const record = context.state.products.get(id);
  if (record === undefined) throw entityNotFound("Product");
  return record;
}

async function save(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
  properties: ProductProperties,
): Promise<ArmResponse> {
  const { entity, created, persisted } = context.state.products.save({
    name: id,
    properties: storedProperties(properties),
  });
  await persisted;
  return entityResponse(request, entity.etag, productContract(entity, context.service), created ? 201 : 200);
}

/**
 * The properties APIM answers, in the order of the examples, with its defaults: a product
 * requires a subscription unless told otherwise, is not published, and needs no approval
 * (CreateProduct). Approval and the subscription limit belong to products that require a
 * subscription ("Can be present only if subscriptionRequired … is true"): refused otherwise
 * (invented wording), and not shown (ListProducts' open "Dev" product has neither).
 */
function storedProperties(properties: ProductProperties): Record<string, unknown> {
  const {
    displayName,
    description,
    terms,
    subscriptionRequired,
    approvalRequired,
    subscriptionsLimit,
    state,
    ...rest
  } = properties;
  const requiresSubscription = subscriptionRequired ?? true;
  if (!requiresSubscription && (approvalRequired === true || (subscriptionsLimit ?? null) !== null)) {
    throw fieldError(
      "subscriptionRequired",
      "approvalRequired and subscriptionsLimit can be set only when subscriptionRequired is true.",
    );
  }
  return {
    displayName,
    ...(description == null ? {} : { description }),
    ...(terms == null ? {} : { terms }),
    subscriptionRequired: requiresSubscription,
    ...(requiresSubscription ? { approvalRequired: approvalRequired ?? false } : {}),
    ...(requiresSubscription && subscriptionsLimit != null ? { subscriptionsLimit } : {}),
    state: state ?? "notPublished",
    ...rest,
  };
}
