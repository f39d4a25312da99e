import { z } from "zod";
import { defineOperation } from "../rest/operation";
import {
  verificationListQuerySchema,
  verificationPageSchema,
  verificationBatchSchema,
  verificationSchema,
  verificationSettingsInputSchema,
  verifyApiInputSchema,
  verifyInstanceInputSchema,
} from "./schemas";
import { instanceSchema } from "../instances/schemas";

const apiParams = z.object({ id: z.guid("must be an API id") });
const instanceParams = z.object({ id: z.guid("must be an instance id") });
const batchParams = z.object({ id: z.guid("must be an instance id"), batchId: z.guid("must be a batch id") });

/** REST operations of verifications (see lib/rest/operations.ts). */
export const verificationOperations = {
  verifyApiAccess: defineOperation({
    id: "verifyApiAccess",
    method: "POST",
    path: "/apis/{id}/verifications",
    permission: "config.write",
    summary: "Verify access: send probes through the API's gateway and store what it answered",
    description:
      "Reads the API's scopes and the service's gateway URL from APIM, derives each probe's expectation with the what-if evaluator, and sends at most one request per probe (max_tokens 1) within the per-minute probe budget: no token, a client that is not allowed, another audience, a missing claim and an allowed client, each where an honest token exists (otherwise `not_probed` with the reason). Answers 201 with the stored verification, whatever its status.",
    tags: ["verifications"],
    params: apiParams,
    body: verifyApiInputSchema,
    response: verificationSchema,
    successStatus: 201,
  }),
  listVerifications: defineOperation({
    id: "listVerifications",
    method: "GET",
    path: "/apis/{id}/verifications",
    permission: "config.read",
    summary: "The API's verifications, newest first",
    tags: ["verifications"],
    params: apiParams,
    query: verificationListQuerySchema,
    response: verificationPageSchema,
  }),
  getLatestVerification: defineOperation({
    id: "getLatestVerification",
    method: "GET",
    path: "/apis/{id}/verifications/latest",
    permission: "config.read",
    summary: "The API's latest verification (404 when it was never verified)",
    tags: ["verifications"],
    params: apiParams,
    response: verificationSchema,
  }),
  verifyInstanceAccess: defineOperation({
    id: "verifyInstanceAccess",
    method: "POST",
    path: "/instances/{id}/verifications",
    permission: "config.write",
    summary:
      "Verify all: verify every API of the instance, a few at a time; answers 202 with the batch, poll its Location",
    tags: ["verifications"],
    params: instanceParams,
    body: verifyInstanceInputSchema,
    response: verificationBatchSchema,
    successStatus: 202,
  }),
  updateVerificationSettings: defineOperation({
    id: "updateVerificationSettings",
    method: "PUT",
    path: "/instances/{id}/verification-settings",
    permission: "config.write",
    summary: "Set the instance's verification settings: the gateway URL probes use, and verify after every apply",
    description:
      "Probes carry callers' tokens and subscription keys, so a gateway URL must be https:// at a gateway the instance's APIM service itself reports in ARM (read when saving: its gateway URL, regional gateway URLs, custom proxy host names) or an origin the server lists in VERIFY_GATEWAYS_ALLOWED; 400 naming gatewayUrl otherwise, 502 when the service cannot be read. Answers the instance.",
    tags: ["verifications"],
    params: instanceParams,
    body: verificationSettingsInputSchema,
    response: instanceSchema,
  }),
  getVerificationBatch: defineOperation({
    id: "getVerificationBatch",
    method: "GET",
    path: "/instances/{id}/verifications/{batchId}",
    permission: "config.read",
    summary: "A Verify-all batch: n of N verified, counts by status, the APIs so far with failures first",
    tags: ["verifications"],
    params: batchParams,
    response: verificationBatchSchema,
  }),
};
