import { findNamedValueReferences } from "../../../../lib/policy";
import { isPreview } from "../../arm/api-versions";
import { entityInUse, entityNotFound, fieldError } from "../../arm/apim-errors";
import { backendIdRule, checkIdentifier } from "../../arm/names";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "../../arm/preconditions";
import { everyPolicy } from "../../store/policy-scopes";
import type { BackendRecord } from "../../store/records";
import { entityResponse, type ArmRequest, type ArmResponse, type SimulatorContext } from "../arm-exchange";
import { listResponse } from "../list-response";
import { namedValueExists } from "../named-values/named-value-references";
import { parseBody } from "../parse-body";
import { backendContract } from "./backend-contract";
import { backendBodySchema, type BackendManagedIdentity, type BackendProperties } from "./backend-schema";

/**
 * Backends (01-arm-rest-reference.md §3): synchronous PUT (201 created / 200 updated),
 * PATCH, DELETE. `credentials.managedIdentity` exists only on a preview api-version; a
 * stable-version write can neither see nor change it (it is kept as it was), which is how
 * a field outside the contract behaves.
 */
export function listBackends(context: SimulatorContext, request: ArmRequest): ArmResponse {
  return listResponse(context, request, context.state.backends.list(), (record) =>
    backendContract(record, context.service, request.apiVersion),
  );
}

export function getBackend(context: SimulatorContext, request: ArmRequest, id: string): ArmResponse {
  const record = existing(context, id);
  return entityResponse(request, record.etag, backendContract(record, context.service, request.apiVersion));
}

export async function putBackend(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  checkIdentifier(id, backendIdRule);
  const { properties } = parseBody(backendBodySchema, request.body);
  const current = context.state.backends.get(id);
  checkPutPrecondition(request.ifMatch, current?.etag);
  const identity = isPreview(request.apiVersion)
    ? (properties.credentials?.managedIdentity ?? undefined)
    : current?.managedIdentity;
  return save(context, request, id, properties, identity);
}

export async function patchBackend(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const { properties: patch } = parseBody(backendBodySchema, request.body);
  const current = existing(context, id);
  checkUpdatePrecondition(ifMatch, current.etag);
  const replacesCredentials = isPreview(request.apiVersion) && patch.credentials !== undefined;
  const identity = replacesCredentials ? (patch.credentials?.managedIdentity ?? undefined) : current.managedIdentity;
  // PATCH replaces the top-level properties it names and keeps the others.
  return save(context, request, id, { ...current.properties, ...patch }, identity);
}

export async function deleteBackend(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const current = context.state.backends.get(id);
  if (current === undefined) return { status: 204 };
  checkUpdatePrecondition(ifMatch, current.etag);
  // Invented by analogy with named values: a policy's backend-id must keep resolving.
  const users = everyPolicy(context.state)
    .filter(({ record }) => record.backendRefs.some((ref) => ref.toLowerCase() === id.toLowerCase()))
    .map(({ path }) => path);
  if (users.length > 0) throw entityInUse("Backend", current.name, users);
  await context.state.backends.delete(id);
  return { status: 200 };
}

async function save(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
  properties: BackendProperties,
  managedIdentity: BackendManagedIdentity | undefined,
): Promise<ArmResponse> {
  // Required by the contract (REST docs: properties.url and properties.protocol Required=True).
  if (properties.url === undefined) throw fieldError("url", "url is required.");
  if (properties.protocol === undefined) throw fieldError("protocol", "protocol is required.");
  const { credentials, ...rest } = properties;
  const { managedIdentity: _ignored, ...kept } = credentials ?? {};
  const namedValueRefs = [...new Set(stringsIn(kept).flatMap(findNamedValueReferences))];
  const missing = namedValueRefs.find((name) => !namedValueExists(context.state, name));
  // Recorded (Azure/apiops#491): credentials referring to a missing named value.
  if (missing !== undefined) throw fieldError("credentials", `Property '${missing}' not found.`);
  const stored = Object.keys(kept).length === 0 ? rest : { ...rest, credentials: kept };
  const { entity, created, persisted } = context.state.backends.save({
    name: id,
    properties: stored,
    managedIdentity,
    namedValueRefs,
  });
  await persisted;
  return entityResponse(
    request,
    entity.etag,
    backendContract(entity, context.service, request.apiVersion),
    created ? 201 : 200,
  );
}

function existing(context: SimulatorContext, id: string): BackendRecord {
  const record = context.state.backends.get(id);
  if (record === undefined) throw entityNotFound("Backend");
  return record;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}
