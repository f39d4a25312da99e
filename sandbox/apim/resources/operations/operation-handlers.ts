import { entityNotFound, fieldError, validationError } from "../../arm/apim-errors";
import { checkIdentifier, operationIdRule } from "../../arm/names";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "../../arm/preconditions";
import { operationsOf } from "../../store/api-relations";
import { childKey } from "../../store/policy-scopes";
import type { ApiRecord, OperationRecord } from "../../store/records";
import { existingApi, refuseWhileBusy } from "../apis/api-handlers";
import { entityResponse, type ArmRequest, type ArmResponse, type SimulatorContext } from "../arm-exchange";
import { listResponse } from "../list-response";
import { parseBody } from "../parse-body";
import { operationContract } from "./operation-contract";
import { operationBodySchema, type OperationProperties } from "./operation-schema";

/**
 * The operations of an API (2024-05-01 ApiOperation_*): synchronous PUT (201/200) and
 * PATCH, DELETE taking the operation's policy with it. Like every child of an API they wait
 * for an import running on it (409).
 */
export function listOperations(context: SimulatorContext, request: ArmRequest, apiId: string): ArmResponse {
  const api = existingApi(context, apiId);
  return listResponse(context, request, operationsOf(context.state, api.name), (record) =>
    operationContract(record, context.service),
  );
}

export function getOperation(context: SimulatorContext, request: ArmRequest, apiId: string, id: string): ArmResponse {
  const record = existingOperation(context, existingApi(context, apiId).name, id);
  return entityResponse(request, record.etag, operationContract(record, context.service));
}

export async function putOperation(
  context: SimulatorContext,
  request: ArmRequest,
  apiId: string,
  id: string,
): Promise<ArmResponse> {
  checkIdentifier(id, operationIdRule);
  const api = writableApi(context, apiId);
  const { properties } = parseBody(operationBodySchema, request.body);
  const current = context.state.operations.get(childKey(api.name, id));
  checkPutPrecondition(request.ifMatch, current?.etag);
  return save(context, request, api.name, current?.operationId ?? id, properties);
}

export async function patchOperation(
  context: SimulatorContext,
  request: ArmRequest,
  apiId: string,
  id: string,
): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const api = writableApi(context, apiId);
  const { properties: patch } = parseBody(operationBodySchema, request.body);
  const current = existingOperation(context, api.name, id);
  checkUpdatePrecondition(ifMatch, current.etag);
  return save(context, request, api.name, current.operationId, { ...current.properties, ...patch });
}

export async function deleteOperation(
  context: SimulatorContext,
  request: ArmRequest,
  apiId: string,
  id: string,
): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const api = writableApi(context, apiId);
  const key = childKey(api.name, id);
  const current = context.state.operations.get(key);
  if (current === undefined) return { status: 204 };
  checkUpdatePrecondition(ifMatch, current.etag);
  await Promise.all([context.state.operationPolicies.delete(key), context.state.operations.delete(key)]);
  return { status: 200 };
}

/** The API whose operations are written: it must exist, and no import may be running on it. */
function writableApi(context: SimulatorContext, apiId: string): ApiRecord {
  const api = existingApi(context, apiId);
  refuseWhileBusy(context, api.name);
  return api;
}

export function existingOperation(context: SimulatorContext, apiId: string, id: string): OperationRecord {
  const record = context.state.operations.get(childKey(apiId, id));
  if (record === undefined) throw entityNotFound("Operation");
  return record;
}

async function save(
  context: SimulatorContext,
  request: ArmRequest,
  apiId: string,
  operationId: string,
  properties: OperationProperties,
): Promise<ArmResponse> {
  const { entity, created, persisted } = context.state.operations.save({
    name: childKey(apiId, operationId),
    apiId,
    operationId,
    properties: storedProperties(properties),
  });
  await persisted;
  return entityResponse(request, entity.etag, operationContract(entity, context.service), created ? 201 : 200);
}

/** The properties in the order of the examples; displayName, method and urlTemplate are required. */
function storedProperties(properties: OperationProperties): Record<string, unknown> {
  const { displayName, method, urlTemplate, templateParameters, description, ...rest } = properties;
  if (displayName === undefined) throw fieldError("displayName", "displayName is required.");
  if (method === undefined) throw fieldError("method", "method is required.");
  if (urlTemplate === undefined) throw fieldError("urlTemplate", "urlTemplate is required.");
  checkTemplateParameters(displayName, urlTemplate, templateParameters ?? []);
  return {
    displayName,
    method,
    urlTemplate,
    templateParameters: templateParameters ?? [],
    ...(description == null ? {} : { description }),
    ...rest,
  };
}

/**
 * Every `{name}` of the URL template must be declared in templateParameters and the other
 * way round; APIM's answer is recorded in Azure/azure-sdk-for-net#35802 (target empty). A
 * `{*name}` wildcard segment is a parameter too.
 */
function checkTemplateParameters(displayName: string, urlTemplate: string, declared: { name: string }[]): void {
  const used = new Set([...urlTemplate.matchAll(/\{\*?([^{}]+)\}/g)].map((match) => match[1]!.trim()));
  const names = new Set(declared.map((parameter) => parameter.name));
  const same = used.size === names.size && [...used].every((name) => names.has(name));
  if (!same) {
    throw validationError([
      {
        code: "ValidationError",
        target: "",
        message: `All template parameters used in the UriTemplate must be defined in the Operation '${displayName}', and vice-versa.`,
      },
    ]);
  }
}
