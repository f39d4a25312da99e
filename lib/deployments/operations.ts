import { z } from "zod";
import { defineOperation } from "../rest/operation";
import {
  deploymentListQuerySchema,
  deploymentPageSchema,
  deploymentSchema,
  driftReportSchema,
  planIdSchema,
  planRejectionInputSchema,
  planSchema,
  plansAwaitingApprovalSchema,
} from "./schemas";

const apiParams = z.object({ id: z.guid("must be an API id") });
const planParams = z.object({ id: planIdSchema });
const deploymentParams = z.object({ id: z.guid("must be a deployment id") });

/** REST operations of plans, deployments and drift (see lib/rest/operations.ts). */
export const deploymentsOperations = {
  createPlan: defineOperation({
    id: "createPlan",
    method: "POST",
    path: "/apis/{id}/plans",
    permission: "config.write",
    summary: "Plan what would make APIM match the API's current access profile",
    description:
      "Reads the API's policy, backend and named values from APIM and stores the ARM writes (each with the ETag read) and a diff. Nothing changes in APIM. The diff's effectiveAccess says what the other scopes (global, products, operations) make of the policy the plan writes; a finding that undoes the profile marks the plan blocked. 409 when a named value the profile uses does not exist.",
    tags: ["deployments"],
    params: apiParams,
    response: planSchema,
    successStatus: 201,
  }),
  getPlan: defineOperation({
    id: "getPlan",
    method: "GET",
    path: "/plans/{id}",
    permission: "config.read",
    summary: "A plan: its operations, diff and lint findings",
    tags: ["deployments"],
    params: planParams,
    response: planSchema,
  }),
  applyPlan: defineOperation({
    id: "applyPlan",
    method: "POST",
    path: "/plans/{id}/apply",
    permission: "config.write",
    summary: "Apply a plan: answers 202 with the started deployment; poll its Location",
    description:
      "The deployment is `running` when answered, or `queued` while another apply of the same API holds its lock. Steps run in order with the plan's If-Match. A changed entity stops the deployment as `conflicted` (make a new plan); any other failure as `failed` (apply the same plan again to go on from there). 409 when the plan has lint errors; 409 with `code: approval-required` when its instance requires approvals the plan does not have (or it was rejected); 409 with `code: effective-access-blocked` (the blocking findings under `findings`) when another policy scope would undo the profile.",
    tags: ["deployments"],
    params: planParams,
    response: deploymentSchema,
    successStatus: 202,
  }),
  listPlansAwaitingApproval: defineOperation({
    id: "listPlansAwaitingApproval",
    method: "GET",
    path: "/plans/awaiting-approval",
    permission: "config.read",
    summary: "Plans waiting for approval (four-eyes), oldest first",
    description:
      "For each API on an instance that requires approvals, its latest plan when it has something to write, was never applied and lacks the approvals it needs. `ownPlan` marks the caller's own plans, which the caller cannot approve, and `contributed` names what the caller wrote of each plan's inputs (a profile version, a template version, a variable value), which makes their approval refused as well (403 `approver-contributed`).",
    tags: ["deployments"],
    response: plansAwaitingApprovalSchema,
  }),
  approvePlan: defineOperation({
    id: "approvePlan",
    method: "POST",
    path: "/plans/{id}/approvals",
    permission: "config.write",
    summary: "Approve a plan (four-eyes): bound to its content hash, expires after the instance's approval lifetime",
    description:
      "Only an admin other than the plan's author may approve (403 otherwise); a client-credentials caller only where the instance allows automation approvers. Nor may anyone who wrote an input the plan brings to its API that it did not already have — a profile version saved since the last applied one, the template version it was saved from, a variable value it takes: 403 with `code: approver-contributed` and `contributed` naming each. Answers the plan with its approval state. 409 when the plan needs no approval or was applied already.",
    tags: ["deployments"],
    params: planParams,
    response: planSchema,
    successStatus: 201,
  }),
  rejectPlan: defineOperation({
    id: "rejectPlan",
    method: "POST",
    path: "/plans/{id}/rejections",
    permission: "config.write",
    summary: "Reject a plan with a reason: it cannot be applied",
    tags: ["deployments"],
    params: planParams,
    body: planRejectionInputSchema,
    response: planSchema,
    successStatus: 201,
  }),
  getDeployment: defineOperation({
    id: "getDeployment",
    method: "GET",
    path: "/deployments/{id}",
    permission: "config.read",
    summary: "A deployment and the outcome of each of its steps",
    tags: ["deployments"],
    params: deploymentParams,
    response: deploymentSchema,
  }),
  listDeployments: defineOperation({
    id: "listDeployments",
    method: "GET",
    path: "/apis/{id}/deployments",
    permission: "config.read",
    summary: "The API's deployments, newest first",
    tags: ["deployments"],
    params: apiParams,
    query: deploymentListQuerySchema,
    response: deploymentPageSchema,
  }),
  detectDrift: defineOperation({
    id: "detectDrift",
    method: "GET",
    path: "/apis/{id}/drift",
    permission: "config.read",
    summary: "What changed in APIM since the API's last successful deployment",
    tags: ["deployments"],
    params: apiParams,
    response: driftReportSchema,
  }),
  createRestorePlan: defineOperation({
    id: "createRestorePlan",
    method: "POST",
    path: "/apis/{id}/drift/plan",
    permission: "config.write",
    summary: "Plan what would restore the access profile last applied to the API",
    tags: ["deployments"],
    params: apiParams,
    response: planSchema,
    successStatus: 201,
  }),
};
