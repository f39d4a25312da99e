import { entityNotFound, fieldError } from "../../arm/apim-errors";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "../../arm/preconditions";
import type { ExportFormat } from "../../policy/serialize-policy";
import { validatePolicy } from "../../policy/validate-policy";
import type { PolicyRecord } from "../../store/records";
import { existingApi, refuseWhileBusy } from "../apis/api-handlers";
import { entityResponse, type ArmRequest, type ArmResponse, type SimulatorContext } from "../arm-exchange";
import { listResponse } from "../list-response";
import { namedValueExists } from "../named-values/named-value-references";
import { parseBody } from "../parse-body";
import { apiPolicyContract } from "./api-policy-contract";
import { apiPolicyBodySchema } from "./api-policy-schema";

/**
 * An API's policy (01-arm-rest-reference.md §5): GET with ?format=xml|rawxml (404 when the
 * API has none), HEAD, synchronous PUT (201/200) validated like APIM, DELETE.
 */
const maxPolicyBytes = 256 * 1024; // 04-limits-and-naming.md: 256 KiB outside Consumption

export function listApiPolicies(context: SimulatorContext, request: ArmRequest, apiId: string): ArmResponse {
  existingApi(context, apiId);
  const policy = context.state.policies.get(apiId);
  return listResponse(context, request, policy === undefined ? [] : [policy], (record) =>
    apiPolicyContract(record, context.service, "xml"),
  );
}

export function getApiPolicy(
  context: SimulatorContext,
  request: ArmRequest,
  apiId: string,
  policyId: string,
): ArmResponse {
  checkPolicyId(policyId);
  const format = exportFormat(request.url.searchParams.get("format"));
  existingApi(context, apiId);
  const record = existingPolicy(context, apiId);
  return entityResponse(request, record.etag, apiPolicyContract(record, context.service, format));
}

export async function putApiPolicy(
  context: SimulatorContext,
  request: ArmRequest,
  apiId: string,
  policyId: string,
): Promise<ArmResponse> {
  checkPolicyId(policyId);
  const api = existingApi(context, apiId);
  refuseWhileBusy(context, apiId);
  const { properties } = parseBody(apiPolicyBodySchema, request.body);
  const current = context.state.policies.get(apiId);
  checkPutPrecondition(request.ifMatch, current?.etag);
  const format = properties.format ?? "xml";
  // Invented wording for both: the simulator cannot fetch links, and no size error was recorded.
  if (format === "xml-link" || format === "rawxml-link")
    throw fieldError("format", "The local APIM simulator does not fetch policy links; send the document inline.");
  if (Buffer.byteLength(properties.value, "utf8") > maxPolicyBytes)
    throw fieldError("value", "The policy document is larger than 256 KiB.");
  const validated = validatePolicy(properties.value, format, {
    namedValueExists: (name) => namedValueExists(context.state, name),
    backendExists: (id) => context.state.backends.get(id) !== undefined,
  });
  const { entity, created, persisted } = context.state.policies.save({ name: api.name, ...validated });
  await persisted;
  return entityResponse(request, entity.etag, apiPolicyContract(entity, context.service, "xml"), created ? 201 : 200);
}

export async function deleteApiPolicy(
  context: SimulatorContext,
  request: ArmRequest,
  apiId: string,
  policyId: string,
): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  checkPolicyId(policyId);
  existingApi(context, apiId);
  refuseWhileBusy(context, apiId);
  const current = context.state.policies.get(apiId);
  if (current === undefined) return { status: 204 };
  checkUpdatePrecondition(ifMatch, current.etag);
  await context.state.policies.delete(apiId);
  return { status: 200 };
}

function existingPolicy(context: SimulatorContext, apiId: string): PolicyRecord {
  const record = context.state.policies.get(apiId);
  if (record === undefined) throw entityNotFound("Policy");
  return record;
}

/** The spec allows only the constant `policy` (invented wording). */
function checkPolicyId(policyId: string): void {
  if (policyId.toLowerCase() !== "policy")
    throw fieldError("policyId", `'${policyId}' is not a valid policy identifier; it must be 'policy'.`);
}

/** GET's ?format= (PolicyExportFormat): xml, the default, or rawxml (invented wording). */
function exportFormat(requested: string | null): ExportFormat {
  if (requested === null || requested === "xml") return "xml";
  if (requested === "rawxml") return "rawxml";
  throw fieldError("format", `'${requested}' is not a valid export format; use xml or rawxml.`);
}
