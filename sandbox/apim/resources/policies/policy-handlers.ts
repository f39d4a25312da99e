import { entityNotFound, fieldError } from "../../arm/apim-errors";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "../../arm/preconditions";
import type { ExportFormat } from "../../policy/serialize-policy";
import { validatePolicy } from "../../policy/validate-policy";
import { policySlot, type PolicyScope } from "../../store/policy-scopes";
import type { PolicyRecord } from "../../store/records";
import { existingApi, refuseWhileBusy } from "../apis/api-handlers";
import { entityResponse, type ArmRequest, type ArmResponse, type SimulatorContext } from "../arm-exchange";
import { listResponse } from "../list-response";
import { namedValueExists } from "../named-values/named-value-references";
import { existingOperation } from "../operations/operation-handlers";
import { parseBody } from "../parse-body";
import { existingProduct } from "../products/product-handlers";
import { policyContract, type PolicyParent } from "./policy-contract";
import { policyBodySchema } from "./policy-schema";

/**
 * The policy of a scope — the service (global), a product, an API or an operation
 * (01-arm-rest-reference.md §5; the same contract at every scope): GET with
 * ?format=xml|rawxml (404 when the scope has none), HEAD, synchronous PUT (201/200)
 * validated like APIM, DELETE. The parent must exist (its own 404 otherwise); writes below
 * an API wait for an import running on it (409).
 */
const maxPolicyBytes = 256 * 1024; // 04-limits-and-naming.md: 256 KiB outside Consumption

export function listPolicies(context: SimulatorContext, request: ArmRequest, scope: PolicyScope): ArmResponse {
  const { parent, canonical } = existingScope(context, scope);
  const policy = stored(context, canonical);
  return listResponse(context, request, policy === undefined ? [] : [policy], (record) =>
    policyContract(record, parent, context.service, "xml"),
  );
}

export function getPolicy(
  context: SimulatorContext,
  request: ArmRequest,
  scope: PolicyScope,
  policyId: string,
): ArmResponse {
  checkPolicyId(policyId);
  const format = exportFormat(request.url.searchParams.get("format"));
  const { parent, canonical } = existingScope(context, scope);
  const record = stored(context, canonical);
  if (record === undefined) throw entityNotFound("Policy");
  return entityResponse(request, record.etag, policyContract(record, parent, context.service, format));
}

export async function putPolicy(
  context: SimulatorContext,
  request: ArmRequest,
  scope: PolicyScope,
  policyId: string,
): Promise<ArmResponse> {
  checkPolicyId(policyId);
  const { parent, canonical } = existingScope(context, scope);
  refuseWhileApiBusy(context, canonical);
  const { properties } = parseBody(policyBodySchema, request.body);
  const { collection, key } = policySlot(context.state, canonical);
  checkPutPrecondition(request.ifMatch, collection.get(key)?.etag);
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
  const { entity, created, persisted } = collection.save({ name: key, ...validated });
  await persisted;
  return entityResponse(
    request,
    entity.etag,
    policyContract(entity, parent, context.service, "xml"),
    created ? 201 : 200,
  );
}

export async function deletePolicy(
  context: SimulatorContext,
  request: ArmRequest,
  scope: PolicyScope,
  policyId: string,
): Promise<ArmResponse> {
  const ifMatch = requireIfMatch(request.ifMatch);
  checkPolicyId(policyId);
  const { canonical } = existingScope(context, scope);
  refuseWhileApiBusy(context, canonical);
  const { collection, key } = policySlot(context.state, canonical);
  const current = collection.get(key);
  if (current === undefined) return { status: 204 };
  checkUpdatePrecondition(ifMatch, current.etag);
  await collection.delete(key);
  return { status: 200 };
}

/**
 * The scope with its identifiers spelled as the entities were created (the policy's key and
 * path use them), after checking that its parent exists.
 */
function existingScope(
  context: SimulatorContext,
  scope: PolicyScope,
): { parent: PolicyParent; canonical: PolicyScope } {
  const type = (path: string) => `Microsoft.ApiManagement/service${path}/policies`;
  switch (scope.kind) {
    case "service":
      return { parent: { path: "", type: type("") }, canonical: scope };
    case "product": {
      const productId = existingProduct(context, scope.productId).name;
      return {
        parent: { path: `/products/${productId}`, type: type("/products") },
        canonical: { kind: "product", productId },
      };
    }
    case "api": {
      const apiId = existingApi(context, scope.apiId).name;
      return { parent: { path: `/apis/${apiId}`, type: type("/apis") }, canonical: { kind: "api", apiId } };
    }
    case "operation": {
      const apiId = existingApi(context, scope.apiId).name;
      const { operationId } = existingOperation(context, apiId, scope.operationId);
      return {
        parent: { path: `/apis/${apiId}/operations/${operationId}`, type: type("/apis/operations") },
        canonical: { kind: "operation", apiId, operationId },
      };
    }
  }
}

function stored(context: SimulatorContext, scope: PolicyScope): PolicyRecord | undefined {
  const { collection, key } = policySlot(context.state, scope);
  return collection.get(key);
}

/** Recorded for API children: writes while an import of the API runs answer 409. */
function refuseWhileApiBusy(context: SimulatorContext, scope: PolicyScope): void {
  if (scope.kind === "api" || scope.kind === "operation") refuseWhileBusy(context, scope.apiId);
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
