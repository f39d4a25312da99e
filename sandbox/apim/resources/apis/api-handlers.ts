import { apiOperationInProgress, entityNotFound, fieldError } from "../../arm/apim-errors";
import { apiIdRule, checkIdentifier } from "../../arm/names";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "../../arm/preconditions";
import { operationsOf } from "../../store/api-relations";
import type { ApiRecord } from "../../store/records";
import { entityResponse, type ArmRequest, type ArmResponse, type SimulatorContext } from "../arm-exchange";
import { accepted, answerGetOrPoll } from "../async-operation";
import { listResponse } from "../list-response";
import { parseBody } from "../parse-body";
import { apiContract } from "./api-contract";
import { apiBodySchema, type ApiProperties } from "./api-schema";

/**
 * APIs (01-arm-rest-reference.md §4). A PUT that imports a definition (`format` + `value`)
 * is a long-running operation (202 + Location, as in Azure/apiops#486/#497) during which
 * every write to the API or its children answers 409 PessimisticConcurrencyConflict
 * (Azure/apiops#379). A plain PUT answers 201/200 at once, as the recorded CLI session
 * shows (recordings/azure-cli__test_apim_api_policy.yaml); the SDK's beginCreateOrUpdate
 * accepts both. DELETE answers 200 at once and takes the API's policy, operations (with their
 * policies) and product memberships with it.
 */
export function listApis(context: SimulatorContext, request: ArmRequest): ArmResponse {
  return listResponse(context, request, context.state.apis.list(), (record) => apiContract(record, context.service));
}

export function getApi(context: SimulatorContext, request: ArmRequest, id: string): ArmResponse {
  return answerGetOrPoll(context, request, (status) => {
    const record = existingApi(context, id);
    return entityResponse(request, record.etag, apiContract(record, context.service), status);
  });
}

export async function putApi(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  checkIdentifier(id, apiIdRule);
  refuseWhileBusy(context, id);
  const { properties } = parseBody(apiBodySchema, request.body);
  const current = context.state.apis.get(id);
  checkPutPrecondition(request.ifMatch, current?.etag);
  const imports = typeof properties.value === "string" && typeof properties.format === "string";
  if (properties.path === undefined) throw fieldError("path", "path is required.");
  const displayName = properties.displayName ?? (imports ? id : undefined);
  if (displayName === undefined) throw fieldError("displayName", "displayName is required.");
  const { entity, created, persisted } = context.state.apis.save({
    name: id,
    properties: storedProperties({ ...properties, displayName }),
  });
  await persisted;
  if (imports) return accepted(context, request, created ? 201 : 200, { apiKey: id.toLowerCase() });
  return entityResponse(request, entity.etag, apiContract(entity, context.service), created ? 201 : 200);
}

export async function patchApi(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  refuseWhileBusy(context, id);
  const { properties: patch } = parseBody(apiBodySchema, request.body);
  const current = existingApi(context, id);
  checkUpdatePrecondition(ifMatch, current.etag);
  const { entity, persisted } = context.state.apis.save({
    name: id,
    properties: storedProperties({ ...current.properties, ...patch }),
  });
  await persisted;
  return entityResponse(request, entity.etag, apiContract(entity, context.service));
}

export async function deleteApi(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  refuseWhileBusy(context, id);
  const current = context.state.apis.get(id);
  if (current === undefined) return { status: 204 };
  checkUpdatePrecondition(ifMatch, current.etag);
  const { state } = context;
  const operations = operationsOf(state, current.name).map((operation) => operation.name);
  const links = state.productApis.list().filter((link) => link.apiId.toLowerCase() === id.toLowerCase());
  await Promise.all([
    ...operations.flatMap((key) => [state.operationPolicies.delete(key), state.operations.delete(key)]),
    ...links.map((link) => state.productApis.delete(link.name)),
    state.policies.delete(id),
    state.apis.delete(id),
  ]);
  return { status: 200 };
}

/** Recorded: writes to an API or its children while an operation on it runs. */
export function refuseWhileBusy(context: SimulatorContext, apiId: string): void {
  if (context.lro.isApiBusy(apiId.toLowerCase())) throw apiOperationInProgress();
}

export function existingApi(context: SimulatorContext, id: string): ApiRecord {
  const record = context.state.apis.get(id);
  if (record === undefined) throw entityNotFound("Api");
  return record;
}

/**
 * The properties APIM answers, in the recorded order and with its defaults (revision "1",
 * subscription required, empty authentication settings spelled out, a leading "/" dropped
 * from the path); the import fields are not kept.
 */
function storedProperties(properties: ApiProperties): Record<string, unknown> {
  const {
    displayName,
    apiRevision,
    description,
    subscriptionRequired,
    serviceUrl,
    path,
    protocols,
    format: _format,
    value: _value,
    ...rest
  } = properties;
  const { authenticationSettings, subscriptionKeyParameterNames, isCurrent: _isCurrent, ...others } = rest;
  return {
    displayName,
    apiRevision: apiRevision ?? "1",
    description: description ?? null,
    subscriptionRequired: subscriptionRequired ?? true,
    serviceUrl: serviceUrl ?? null,
    path: (path ?? "").replace(/^\/+/, ""),
    protocols: protocols ?? ["https"],
    authenticationSettings: { oAuth2: null, openid: null, ...(authenticationSettings as object | undefined) },
    subscriptionKeyParameterNames: subscriptionKeyParameterNames ?? {
      header: "Ocp-Apim-Subscription-Key",
      query: "subscription-key",
    },
    ...others,
    isCurrent: true,
  };
}
