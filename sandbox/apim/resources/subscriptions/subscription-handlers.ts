import { randomBytes } from "node:crypto";
import { entityNotFound, fieldError } from "../../arm/apim-errors";
import { checkIdentifier, subscriptionIdRule } from "../../arm/names";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "../../arm/preconditions";
import type { SubscriptionRecord } from "../../store/records";
import { entityResponse, servicePath, type ArmRequest, type ArmResponse, type SimulatorContext } from "../arm-exchange";
import { listResponse } from "../list-response";
import { parseBody } from "../parse-body";
import { subscriptionContract } from "./subscription-contract";
import { subscriptionCreateSchema, subscriptionUpdateSchema, type SubscriptionProperties } from "./subscription-schema";

/**
 * Subscriptions (2024-05-01 Subscription_*): synchronous PUT (201/200) and PATCH, DELETE,
 * and the key actions — listSecrets (the only way to read the keys), regeneratePrimaryKey
 * and regenerateSecondaryKey (204). The gateway accepts a key of an active subscription for
 * the APIs its scope covers.
 */
export function listSubscriptions(context: SimulatorContext, request: ArmRequest): ArmResponse {
  return listResponse(context, request, context.state.subscriptions.list(), (record) =>
    subscriptionContract(record, context.service),
  );
}

export function getSubscription(context: SimulatorContext, request: ArmRequest, id: string): ArmResponse {
  const record = existingSubscription(context, id);
  return entityResponse(request, record.etag, subscriptionContract(record, context.service));
}

export async function putSubscription(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
): Promise<ArmResponse> {
  checkIdentifier(id, subscriptionIdRule);
  const { properties } = parseBody(subscriptionCreateSchema, request.body);
  const current = context.state.subscriptions.get(id);
  checkPutPrecondition(request.ifMatch, current?.etag);
  return save(context, request, id, current, properties);
}

export async function patchSubscription(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const { properties } = parseBody(subscriptionUpdateSchema, request.body);
  const current = existingSubscription(context, id);
  checkUpdatePrecondition(ifMatch, current.etag);
  return save(context, request, id, current, {
    scope: current.scope,
    displayName: current.displayName,
    ...withoutNulls(properties),
  });
}

export async function deleteSubscription(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const current = context.state.subscriptions.get(id);
  if (current === undefined) return { status: 204 };
  checkUpdatePrecondition(ifMatch, current.etag);
  await context.state.subscriptions.delete(id);
  return { status: 200 };
}

/** POST …/listSecrets: the keys, with the subscription's ETag. */
export function listSubscriptionSecrets(context: SimulatorContext, id: string): ArmResponse {
  const record = existingSubscription(context, id);
  return { status: 200, etag: record.etag, body: { primaryKey: record.primaryKey, secondaryKey: record.secondaryKey } };
}

/** POST …/regeneratePrimaryKey or …/regenerateSecondaryKey: a new random key, 204. */
export async function regenerateSubscriptionKey(
  context: SimulatorContext,
  id: string,
  which: "primaryKey" | "secondaryKey",
): Promise<ArmResponse> {
  const record = existingSubscription(context, id);
  await context.state.subscriptions.save({ ...withoutStoredFields(record), [which]: newKey() }).persisted;
  return { status: 204 };
}

export function existingSubscription(context: SimulatorContext, id: string): SubscriptionRecord {
  const record = context.state.subscriptions.get(id);
  if (record === undefined) throw entityNotFound("Subscription");
  return record;
}

async function save(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
  current: SubscriptionRecord | undefined,
  properties: SubscriptionProperties,
): Promise<ArmResponse> {
  const scope = relativeScope(context, properties.scope);
  const ownerId = properties.ownerId ?? current?.ownerId;
  const { entity, created, persisted } = context.state.subscriptions.save({
    name: current?.name ?? id,
    displayName: properties.displayName,
    scope,
    // Invented default: an administrator's subscription is active unless the product asks for approval.
    state: properties.state ?? current?.state ?? (approvalRequired(context, scope) ? "submitted" : "active"),
    primaryKey: properties.primaryKey ?? current?.primaryKey ?? newKey(),
    secondaryKey: properties.secondaryKey ?? current?.secondaryKey ?? newKey(),
    allowTracing: properties.allowTracing ?? current?.allowTracing ?? false,
    createdDate: current?.createdDate ?? new Date().toISOString(),
    ...(ownerId ? { ownerId } : {}),
  });
  await persisted;
  return entityResponse(request, entity.etag, subscriptionContract(entity, context.service), created ? 201 : 200);
}

/**
 * `/apis`, `/apis/{apiId}` or `/products/{productId}` (of an API or product that exists), given
 * relative to the service or below its ARM id; anything else is refused (wording invented).
 */
function relativeScope(context: SimulatorContext, scope: string): string {
  const base = servicePath(context.service).toLowerCase();
  const relative = scope.toLowerCase().startsWith(base) ? scope.slice(base.length) : scope;
  const trimmed = relative.replace(/\/+$/, "");
  if (/^\/apis$/i.test(trimmed)) return "/apis";
  const api = /^\/apis\/([^/]+)$/i.exec(trimmed)?.[1];
  if (api !== undefined) {
    const record = context.state.apis.get(api);
    if (record === undefined) throw fieldError("scope", `The API '${api}' of the scope does not exist.`);
    return `/apis/${record.name}`;
  }
  const product = /^\/products\/([^/]+)$/i.exec(trimmed)?.[1];
  if (product !== undefined) {
    const record = context.state.products.get(product);
    if (record === undefined) throw fieldError("scope", `The product '${product}' of the scope does not exist.`);
    return `/products/${record.name}`;
  }
  throw fieldError("scope", "scope must be /apis, /apis/{apiId} or /products/{productId} of this service.");
}

function approvalRequired(context: SimulatorContext, scope: string): boolean {
  const product = /^\/products\/(.+)$/.exec(scope)?.[1];
  const properties = product ? context.state.products.get(product)?.properties : undefined;
  return properties?.approvalRequired === true;
}

function newKey(): string {
  return randomBytes(16).toString("hex");
}

function withoutNulls<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== null)) as never;
}

function withoutStoredFields(record: SubscriptionRecord): Omit<SubscriptionRecord, "etag" | "created"> {
  const { etag: _etag, created: _created, ...content } = record;
  return content;
}
