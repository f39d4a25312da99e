import { entityInUse, entityNotFound, fieldError } from "../../arm/apim-errors";
import type { ArmError } from "../../arm/arm-error";
import { checkIdentifier, namedValueIdRule } from "../../arm/names";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "../../arm/preconditions";
import type { NamedValueRecord } from "../../store/records";
import { entityResponse, type ArmRequest, type ArmResponse, type SimulatorContext } from "../arm-exchange";
import { accepted, answerGetOrPoll } from "../async-operation";
import { listResponse } from "../list-response";
import { parseBody } from "../parse-body";
import { namedValueContract } from "./named-value-contract";
import { entitiesReferencing, renameReferences } from "./named-value-references";
import { checkNamedValueContent, namedValueBodySchema, type NamedValueContent } from "./named-value-schema";

/**
 * Named values (01-arm-rest-reference.md §2). PUT, PATCH and refreshSecret are
 * long-running: the change is made when the request is accepted (202) and the final poll
 * answers the entity as it then is. Failures APIM reports only at the poll (a duplicate
 * display name, recorded in Azure/apiops#837) leave the entity unchanged.
 */
export function listNamedValues(context: SimulatorContext, request: ArmRequest): ArmResponse {
  const onlyFailed = request.url.searchParams.get("isKeyVaultRefreshFailed") === "true";
  const records = context.state.namedValues
    .list()
    .filter(
      (record) => !onlyFailed || (record.keyVault !== undefined && record.keyVault.lastStatus.code !== "Success"),
    );
  return listResponse(context, request, records, (record) => namedValueContract(record, context.service));
}

/** GET and HEAD, and GET on the Location of an accepted write. */
export function getNamedValue(context: SimulatorContext, request: ArmRequest, id: string): ArmResponse {
  return answerGetOrPoll(context, request, (status) => {
    const record = existing(context, id);
    return entityResponse(request, record.etag, namedValueContract(record, context.service), status);
  });
}

export async function putNamedValue(context: SimulatorContext, request: ArmRequest, id: string): Promise<ArmResponse> {
  checkIdentifier(id, namedValueIdRule);
  const { properties } = parseBody(namedValueBodySchema, request.body);
  const current = context.state.namedValues.get(id);
  checkPutPrecondition(request.ifMatch, current?.etag);
  return write(context, request, id, checkNamedValueContent(properties), current);
}

export async function patchNamedValue(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const { properties: patch } = parseBody(namedValueBodySchema, request.body);
  const current = existing(context, id);
  checkUpdatePrecondition(ifMatch, current.etag);
  // A new value replaces a Key Vault reference and the other way round.
  const source = patch.keyVault
    ? { keyVault: patch.keyVault }
    : patch.value !== undefined
      ? { value: patch.value }
      : current.keyVault
        ? { keyVault: current.keyVault }
        : { value: current.value };
  const content = checkNamedValueContent({
    displayName: patch.displayName ?? current.displayName,
    secret: patch.secret ?? current.secret,
    tags: patch.tags ?? current.tags,
    ...source,
  });
  return write(context, request, id, content, current);
}

export async function deleteNamedValue(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  const current = context.state.namedValues.get(id);
  if (current === undefined) return { status: 204 };
  checkUpdatePrecondition(ifMatch, current.etag);
  const users = entitiesReferencing(context.state, current.displayName);
  if (users.length > 0) throw entityInUse("Named Value", current.displayName, users);
  await context.state.namedValues.delete(id);
  return { status: 200 };
}

/** The only operation that reveals a value, secret or not (recorded). */
export function listNamedValueValue(context: SimulatorContext, id: string): ArmResponse {
  const record = existing(context, id);
  return { status: 200, etag: record.etag, body: { value: record.value } };
}

/** Fetches a Key Vault named value's secret again; a failed fetch keeps the old value and says so in lastStatus. */
export async function refreshNamedValueSecret(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
): Promise<ArmResponse> {
  const record = existing(context, id);
  if (record.keyVault === undefined) {
    // Invented wording: APIM's answer for a plain named value was not recorded.
    throw fieldError("keyVault", "Only a named value that refers to a Key Vault secret can be refreshed.");
  }
  const fetched = context.keyVault.fetch(record.keyVault.secretIdentifier);
  const timeStampUtc = new Date().toISOString();
  const { name, displayName, secret, tags, keyVault } = record;
  const refreshed =
    "value" in fetched
      ? { value: fetched.value, lastStatus: { code: "Success", timeStampUtc } }
      : { value: record.value, lastStatus: { ...fetched.failure, timeStampUtc } };
  await context.state.namedValues.save({
    name,
    displayName,
    secret,
    tags,
    value: refreshed.value,
    keyVault: { ...keyVault, lastStatus: refreshed.lastStatus },
  }).persisted;
  return accepted(context, request, 200, { entityPath: request.url.pathname.replace(/\/refreshSecret$/i, "") });
}

async function write(
  context: SimulatorContext,
  request: ArmRequest,
  id: string,
  content: NamedValueContent,
  current: NamedValueRecord | undefined,
): Promise<ArmResponse> {
  const asyncCode = current === undefined ? 201 : 200;
  const failure = displayNameClash(context, id, content.displayName);
  const resolved = failure === undefined ? resolveValue(context, content) : { failure };
  if ("failure" in resolved) return accepted(context, request, asyncCode, { failure: resolved.failure });
  const { displayName, secret, tags } = content;
  const saved = context.state.namedValues.save({ name: id, displayName, secret, tags, ...resolved });
  const renamed =
    current !== undefined && current.displayName !== displayName
      ? renameReferences(context.state, current.displayName, displayName)
      : undefined;
  await Promise.all([saved.persisted, renamed]);
  return accepted(context, request, asyncCode);
}

/** Recorded (Azure/apiops#837): display names are unique; APIM answers it at the poll. */
function displayNameClash(context: SimulatorContext, id: string, displayName: string): ArmError | undefined {
  const clash = context.state.namedValues
    .list()
    .some(
      (other) =>
        other.name.toLowerCase() !== id.toLowerCase() && other.displayName.toLowerCase() === displayName.toLowerCase(),
    );
  return clash ? fieldError("name", "Property with the same name already exist.") : undefined;
}

function resolveValue(
  context: SimulatorContext,
  content: NamedValueContent,
): Pick<NamedValueRecord, "value" | "keyVault"> | { failure: ArmError } {
  if (content.keyVault === undefined) return { value: content.value ?? "" };
  const fetched = context.keyVault.fetch(content.keyVault.secretIdentifier);
  if (!("value" in fetched)) {
    // Invented wording: APIM refuses a Key Vault named value whose secret it cannot read.
    return {
      failure: fieldError(
        "keyVault",
        `Cannot read secret '${content.keyVault.secretIdentifier}' from Key Vault: ${fetched.failure.message}`,
      ),
    };
  }
  return {
    value: fetched.value,
    keyVault: { ...content.keyVault, lastStatus: { code: "Success", timeStampUtc: new Date().toISOString() } },
  };
}

function existing(context: SimulatorContext, id: string): NamedValueRecord {
  const record = context.state.namedValues.get(id);
  if (record === undefined) throw entityNotFound("NamedValue");
  return record;
}
