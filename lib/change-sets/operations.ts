import { z } from "zod";
import { defineOperation } from "../rest/operation";
import {
  changeSetApprovalInputSchema,
  changeSetAwaitingApprovalSchema,
  changeSetIdSchema,
  changeSetRejectionInputSchema,
  changeSetSchema,
  changeSetListQuerySchema,
  changeSetPageSchema,
  createChangeSetBodySchema,
} from "./schemas";

const params = z.object({ id: changeSetIdSchema });

/** REST operations of change sets (see lib/rest/operations.ts). */
export const changeSetsOperations = {
  createChangeSet: defineOperation({
    id: "createChangeSet",
    method: "POST",
    path: "/change-sets",
    permission: "config.write",
    summary:
      "Make one change to many APIs, or give each its own profile: saves a new profile version of each and plans it",
    description:
      "With `apiIds` and `change`, each API's current access profile gets the change; with `profiles` (`[{ apiId, profile, adopt? }]`, as `portcullis plan` sends its files), each API gets its own profile as written, its ${name} variables resolved with its instance's environment. With `variables` (`{ environment, values }`, all of the environment's variables, beside `profiles` or alone), the set also changes that environment's variables under its approval: each changed one is stored before and after (`variables` of the set) and covered by its hash, its profiles (all on instances of that environment) are resolved with the new values, it needs the strictest approval settings of every instance in that environment, and the values are written when its first apply starts (409 `variables-changed` naming each variable that changed since). The result is saved as a new version (If-Match of the version replaced), then planned. An API is `blocked` (never applied, `blocking` says why) when it has no profile, the change does not fit it, planning fails, or its plan has lint errors or blocking effective-access findings; `unchanged` when there is nothing to write. 404 naming unknown API ids. Nothing changes in APIM. The new set supersedes every older set not yet applied that it replaces — one whose every API to apply it holds (not blocked) and whose variables' environment it changes too, or one with the same `source` — in the same write: each becomes `superseded` (`supersededBy`), is listed in the new set's `supersedes`, and can no longer be approved or applied.",
    tags: ["change-sets"],
    body: createChangeSetBodySchema,
    response: changeSetSchema,
    successStatus: 201,
  }),
  listChangeSets: defineOperation({
    id: "listChangeSets",
    method: "GET",
    path: "/change-sets",
    permission: "config.read",
    summary: "The change sets, newest first, with their progress (cursor pages)",
    tags: ["change-sets"],
    query: changeSetListQuerySchema,
    response: changeSetPageSchema,
  }),
  listChangeSetsAwaitingApproval: defineOperation({
    id: "listChangeSetsAwaitingApproval",
    method: "GET",
    path: "/change-sets/awaiting-approval",
    permission: "config.read",
    summary: "Change sets waiting for approval (four-eyes), oldest first",
    description:
      "Sets not applied yet that need approval (one covers the whole set, bound to its hash), are not rejected and lack the approvals they need; a set whose approval expired is listed again. `ownSet` marks the caller's own sets, which the caller cannot approve, and `contributed` names what the caller wrote of the inputs of any of a set's plans, which makes their approval refused as well (403 `approver-contributed`); approve or reject at `/change-sets/{id}/approvals` and `…/rejections`.",
    tags: ["change-sets"],
    response: z.object({ items: z.array(changeSetAwaitingApprovalSchema) }).meta({ id: "ChangeSetsAwaitingApproval" }),
  }),
  getChangeSet: defineOperation({
    id: "getChangeSet",
    method: "GET",
    path: "/change-sets/{id}",
    permission: "config.read",
    summary: "A change set with each API's status (poll it while it applies)",
    tags: ["change-sets"],
    params,
    response: changeSetSchema,
  }),
  applyChangeSet: defineOperation({
    id: "applyChangeSet",
    method: "POST",
    path: "/change-sets/{id}/apply",
    permission: "config.write",
    summary: "Apply a change set (again): answers 202; poll its Location",
    description:
      "Applies every API planned, failed or cancelled (never one that succeeded), a fixed number at once (`concurrency`), going on past failures; the first apply writes the set's environment variables in the transaction that starts it (409 with `code: variables-changed` and `variables: [{ name, expected, now }]` when one changed since the set was made: make a new set). 409 with `code: approval-required` when its instances require approvals the set does not have (or it was rejected); 409 with `code: superseded` and `supersededBy: { id, title }` when a newer set replaced it; 409 while it is applying or when nothing is left to apply. A Portcullis restart does not stop it: another process resumes it.",
    tags: ["change-sets"],
    params,
    response: changeSetSchema,
    successStatus: 202,
  }),
  cancelChangeSet: defineOperation({
    id: "cancelChangeSet",
    method: "POST",
    path: "/change-sets/{id}/cancel",
    permission: "config.write",
    summary: "Cancel an apply between APIs: the APIs not started are cancelled (a re-run applies them)",
    description: "The APIs being applied finish. 409 when the set is not applying.",
    tags: ["change-sets"],
    params,
    response: changeSetSchema,
    successStatus: 202,
  }),
  approveChangeSet: defineOperation({
    id: "approveChangeSet",
    method: "POST",
    path: "/change-sets/{id}/approvals",
    permission: "config.write",
    summary: "Approve a whole change set (four-eyes), bound to its hash",
    description:
      "The plan approval rules for the whole set: only an admin other than its author (403 otherwise), and none who wrote an input any of its plans brings (403 `approver-contributed`, `contributed` naming each); automation only where every instance of the set allows it; the most approvals any of its instances requires; expires after the shortest approval lifetime among them. 409 when the set needs no approval, is applying, or its hash is not `setHash`; 409 with `code: superseded` and `supersededBy: { id, title }` when a newer set replaced it.",
    tags: ["change-sets"],
    params,
    body: changeSetApprovalInputSchema,
    response: changeSetSchema,
    successStatus: 201,
  }),
  rejectChangeSet: defineOperation({
    id: "rejectChangeSet",
    method: "POST",
    path: "/change-sets/{id}/rejections",
    permission: "config.write",
    summary: "Reject a change set with a reason: it cannot be applied",
    tags: ["change-sets"],
    params,
    body: changeSetRejectionInputSchema,
    response: changeSetSchema,
    successStatus: 201,
  }),
};
