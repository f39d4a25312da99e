import { sandboxModelAccounts, type ModelAccount } from "../../../model/model-accounts";
import { BUILT_IN_ROLE_DEFINITIONS } from "../../../model/model-roles";
import { ArmError } from "../../arm/arm-error";
import {
  apiVersionMissing,
  apiVersionUnsupported,
  methodNotAllowed,
  requestContentInvalid,
} from "../../arm/front-door-errors";
import type { RoleAssignmentRecord } from "../../store/records";
import type { ArmResponse, SimulatorContext } from "../arm-exchange";
import type { RoleAssignmentTarget } from "./role-assignment-path";

/** The api-version of Microsoft.Authorization the simulator serves (the current stable one). */
export const ROLE_ASSIGNMENT_API_VERSION = "2022-04-01";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Azure role assignments at a sandbox model account (2022-04-01 RoleAssignments_ListForScope,
 * _Get, _Create, _Delete; shapes from their examples). The sandbox model decides
 * managed-identity access by them, so a PUT grants and a DELETE revokes for the next call.
 * Error codes are Azure RBAC's known ones (RoleAssignmentNotFound, RoleAssignmentExists,
 * RoleDefinitionDoesNotExist, InvalidRoleAssignmentId, RoleAssignmentUpdateNotPermitted).
 */
export async function handleRoleAssignmentRequest(
  context: SimulatorContext,
  target: RoleAssignmentTarget,
  request: { method: string; url: URL; body: unknown },
): Promise<ArmResponse> {
  const version = request.url.searchParams.get("api-version");
  if (!version) throw apiVersionMissing();
  if (version !== ROLE_ASSIGNMENT_API_VERSION)
    throw apiVersionUnsupported(version, "roleAssignments", [ROLE_ASSIGNMENT_API_VERSION]);
  const account = existingAccount(context, target.accountName);
  const { method } = request;
  if (target.name === undefined) {
    if (method === "GET") return list(context, account, request.url.searchParams.get("$filter"));
    throw methodNotAllowed(method);
  }
  if (!GUID.test(target.name))
    throw new ArmError(
      400,
      "InvalidRoleAssignmentId",
      `The role assignment ID '${target.name}' is not valid. The role assignment ID must be a GUID.`,
    );
  if (method === "GET") return { status: 200, body: contract(existing(context, account, target.name)) };
  if (method === "PUT") return put(context, account, target.name, request.body);
  if (method === "DELETE") return remove(context, account, target.name);
  throw methodNotAllowed(method);
}

function existingAccount(context: SimulatorContext, name: string): ModelAccount {
  const { subscriptionId, resourceGroup } = context.service;
  const account = sandboxModelAccounts(subscriptionId, resourceGroup).find(
    (candidate) => candidate.name.toLowerCase() === name.toLowerCase(),
  );
  if (account === undefined)
    throw new ArmError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.CognitiveServices/accounts/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  return account;
}

/** Assignments that apply at the account: on it or inherited from its resource group or subscription. */
function applying(context: SimulatorContext, account: ModelAccount): RoleAssignmentRecord[] {
  const id = account.resourceId.toLowerCase();
  return context.state.roleAssignments.list().filter((record) => {
    const scope = record.scope.toLowerCase().replace(/\/+$/, "");
    return id === scope || id.startsWith(`${scope}/`);
  });
}

/** `$filter`: `atScope()`, `principalId eq '{id}'` or `assignedTo('{id}')` (no groups in the sandbox). */
function list(context: SimulatorContext, account: ModelAccount, filter: string | null): ArmResponse {
  let records = applying(context, account);
  if (filter !== null) {
    const principal = /^\s*(?:principalId\s+eq\s+'([^']+)'|assignedTo\('([^']+)'\))\s*$/i.exec(filter);
    if (/^\s*atScope\(\)\s*$/i.test(filter))
      records = records.filter((record) => record.scope.toLowerCase() === account.resourceId.toLowerCase());
    else if (principal) {
      const id = (principal[1] ?? principal[2]!).toLowerCase();
      records = records.filter((record) => record.principalId.toLowerCase() === id);
    } else throw new ArmError(400, "UnsupportedQuery", `The filter '${filter}' is not supported by the sandbox.`);
  }
  return { status: 200, body: { value: records.map(contract) } };
}

function existing(context: SimulatorContext, account: ModelAccount, name: string): RoleAssignmentRecord {
  const record = context.state.roleAssignments.get(name);
  if (record === undefined || record.scope.toLowerCase() !== account.resourceId.toLowerCase())
    throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${name}' is not found.`);
  return record;
}

async function put(
  context: SimulatorContext,
  account: ModelAccount,
  name: string,
  body: unknown,
): Promise<ArmResponse> {
  const properties = (body as { properties?: Record<string, unknown> } | undefined)?.properties;
  const roleDefinitionId = properties?.roleDefinitionId;
  const principalId = properties?.principalId;
  if (typeof roleDefinitionId !== "string" || typeof principalId !== "string" || !GUID.test(principalId))
    throw requestContentInvalid("properties.roleDefinitionId and properties.principalId (a GUID) are required");
  const roleGuid = roleDefinitionId.split("/").pop() ?? "";
  const roleDefinitionPath =
    /^(\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i;
  if (!roleDefinitionPath.test(roleDefinitionId) || !BUILT_IN_ROLE_DEFINITIONS.has(roleGuid.toLowerCase()))
    throw new ArmError(
      400,
      "RoleDefinitionDoesNotExist",
      `The specified role definition with ID '${roleGuid}' does not exist.`,
    );
  const principalType = properties?.principalType ?? "ServicePrincipal";
  if (principalType !== "ServicePrincipal" && principalType !== "User" && principalType !== "Group")
    throw requestContentInvalid("properties.principalType must be User, Group or ServicePrincipal");
  const same = (record: RoleAssignmentRecord) =>
    record.principalId.toLowerCase() === principalId.toLowerCase() &&
    record.roleDefinitionId.split("/").pop()?.toLowerCase() === roleGuid.toLowerCase() &&
    record.scope.toLowerCase() === account.resourceId.toLowerCase();

  const current = context.state.roleAssignments.get(name);
  if (current !== undefined) {
    if (!same(current))
      throw new ArmError(
        400,
        "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
      );
    return { status: 200, body: contract(current) };
  }
  if (context.state.roleAssignments.list().some(same))
    throw new ArmError(409, "RoleAssignmentExists", "The role assignment already exists.");
  const { entity, persisted } = context.state.roleAssignments.save({
    name,
    scope: account.resourceId,
    roleDefinitionId,
    principalId,
    principalType,
    createdOn: new Date().toISOString(),
  });
  await persisted;
  return { status: 201, body: contract(entity) };
}

async function remove(context: SimulatorContext, account: ModelAccount, name: string): Promise<ArmResponse> {
  const record = context.state.roleAssignments.get(name);
  if (record === undefined || record.scope.toLowerCase() !== account.resourceId.toLowerCase()) return { status: 204 };
  await context.state.roleAssignments.delete(name);
  return { status: 200, body: contract(record) };
}

/** RoleAssignment (2022-04-01 examples), with the read-only createdOn/updatedOn of its properties. */
function contract(record: RoleAssignmentRecord): object {
  return {
    properties: {
      roleDefinitionId: record.roleDefinitionId,
      principalId: record.principalId,
      principalType: record.principalType,
      scope: record.scope,
      createdOn: record.createdOn,
      updatedOn: record.createdOn,
    },
    id: `${record.scope}/providers/Microsoft.Authorization/roleAssignments/${record.name}`,
    type: "Microsoft.Authorization/roleAssignments",
    name: record.name,
  };
}
