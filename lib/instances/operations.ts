import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { pageQuerySchema } from "../rest/pagination";
import {
  instanceInputSchema,
  instancePageSchema,
  instanceSchema,
  instanceSettingsChangeSchema,
  instanceSettingsChangesSchema,
  instanceSettingsInputSchema,
  settingsChangeApprovalInputSchema,
  settingsChangeIdSchema,
  settingsChangeRejectionInputSchema,
  syncResultSchema,
} from "./schemas";

const instanceParams = z.object({ id: z.guid("must be an instance id") });
const changeParams = z.object({ id: settingsChangeIdSchema });

/** REST operations of APIM instances (see lib/rest/operations.ts). */
export const instancesOperations = {
  listInstances: defineOperation({
    id: "listInstances",
    method: "GET",
    path: "/instances",
    permission: "config.read",
    summary: "Registered APIM instances",
    tags: ["instances"],
    query: pageQuerySchema,
    response: instancePageSchema,
  }),
  registerInstance: defineOperation({
    id: "registerInstance",
    method: "POST",
    path: "/instances",
    permission: "config.write",
    summary: "Register an APIM instance",
    tags: ["instances"],
    body: instanceInputSchema,
    response: instanceSchema,
    successStatus: 201,
  }),
  getInstance: defineOperation({
    id: "getInstance",
    method: "GET",
    path: "/instances/{id}",
    permission: "config.read",
    summary: "One registered APIM instance",
    tags: ["instances"],
    params: instanceParams,
    response: instanceSchema,
  }),
  updateInstance: defineOperation({
    id: "updateInstance",
    method: "PATCH",
    path: "/instances/{id}",
    permission: "config.write",
    summary: "Change an instance's environment and four-eyes approval settings",
    description:
      "Fields not sent stay as they are. `approvalsRequired` null returns to the environment's default (1 for production, otherwise 0).\n\n" +
      "Separation of duties: while the instance's applies need approval, a change that lowers its protection (fewer approvals or none, automation approvers allowed, a longer approval lifetime, the environment moved away from production) does not apply. It answers **202** with the instance as it still is and `Location` of the pending settings change (`/instance-settings-changes/{id}`), which admins other than its author approve under the plan approval rules; asking again supersedes it. A client-credentials caller may not ask for such a change (403, and nothing of it applies). A change that keeps or raises protection applies at once (200). A mixed change is split: its stricter settings apply at once (the 202's instance has them) and only the lowering rest waits. A pending change expires unapproved after the instance's approval lifetime.",
    tags: ["instances"],
    params: instanceParams,
    body: instanceSettingsInputSchema,
    response: instanceSchema,
  }),
  listSettingsChangesAwaitingApproval: defineOperation({
    id: "listSettingsChangesAwaitingApproval",
    method: "GET",
    path: "/instance-settings-changes/awaiting-approval",
    permission: "config.read",
    summary: "Instance settings changes waiting for approval",
    description: "Pending changes that lower an instance's protection and lack the approvals it needs; oldest first.",
    tags: ["instances"],
    response: instanceSettingsChangesSchema,
  }),
  getSettingsChange: defineOperation({
    id: "getSettingsChange",
    method: "GET",
    path: "/instance-settings-changes/{id}",
    permission: "config.read",
    summary: "One instance settings change with its approvals",
    tags: ["instances"],
    params: changeParams,
    response: instanceSettingsChangeSchema,
  }),
  approveSettingsChange: defineOperation({
    id: "approveSettingsChange",
    method: "POST",
    path: "/instance-settings-changes/{id}/approvals",
    permission: "config.write",
    summary: "Approve a pending instance settings change; the last approval needed applies it",
    description:
      "The plan approval rules under the instance's current settings: only an admin other than the change's author (403 otherwise); a client-credentials caller only where the instance allows automation approvers now; as many approvals as its applies need; each expires after its approval lifetime. 409 when the change is no longer pending or its hash is not `changeHash`.",
    tags: ["instances"],
    params: changeParams,
    body: settingsChangeApprovalInputSchema,
    response: instanceSettingsChangeSchema,
    successStatus: 201,
  }),
  rejectSettingsChange: defineOperation({
    id: "rejectSettingsChange",
    method: "POST",
    path: "/instance-settings-changes/{id}/rejections",
    permission: "config.write",
    summary: "Reject a pending instance settings change with a reason (its author withdraws it so)",
    tags: ["instances"],
    params: changeParams,
    body: settingsChangeRejectionInputSchema,
    response: instanceSettingsChangeSchema,
    successStatus: 201,
  }),
  syncInstance: defineOperation({
    id: "syncInstance",
    method: "POST",
    path: "/instances/{id}/sync",
    permission: "config.write",
    summary: "Discover the instance's APIs from APIM",
    description: "Follows every page of APIM's API list; APIs no longer in APIM are kept and marked gone.",
    tags: ["instances"],
    params: instanceParams,
    response: syncResultSchema,
  }),
};
