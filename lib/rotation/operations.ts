import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { pageQuerySchema } from "../rest/pagination";
import { secretSchema } from "../secrets/schemas";
import { rotationPageSchema, rotationPolicyBodySchema, rotationSchema, startRotationBodySchema } from "./schemas";

const secretParams = z.object({ id: z.guid("must be a secret id") });
const rotationParams = secretParams.extend({ rid: z.guid("must be a rotation id") });

/** REST operations of key rotation (see lib/rest/operations.ts). No request is echoed, no response holds a key. */
export const rotationOperations = {
  listSecretRotations: defineOperation({
    id: "listSecretRotations",
    method: "GET",
    path: "/secrets/{id}/rotations",
    permission: "config.read",
    summary: "A typed secret's key rotations, newest first",
    tags: ["secrets"],
    params: secretParams,
    query: pageQuerySchema,
    response: rotationPageSchema,
  }),
  startSecretRotation: defineOperation({
    id: "startSecretRotation",
    method: "POST",
    path: "/secrets/{id}/rotations",
    permission: "config.write",
    summary: "Rotate a typed secret's key: a new named value and the plans that switch every reference to it",
    description:
      "The new `value` goes to a new APIM secret named value and nowhere else. Every access profile sending the old named value gets a version sending the new one, with its plan (`plans`); nothing references the new named value until the rotation is applied. 409 while another rotation of the secret is open.",
    tags: ["secrets"],
    params: secretParams,
    body: startRotationBodySchema,
    response: rotationSchema,
    successStatus: 201,
  }),
  getSecretRotation: defineOperation({
    id: "getSecretRotation",
    method: "GET",
    path: "/secrets/{id}/rotations/{rid}",
    permission: "config.read",
    summary: "One key rotation: its plans, deployments, verifications and grace period",
    tags: ["secrets"],
    params: rotationParams,
    response: rotationSchema,
  }),
  applySecretRotation: defineOperation({
    id: "applySecretRotation",
    method: "POST",
    path: "/secrets/{id}/rotations/{rid}/apply",
    permission: "config.write",
    summary: "Apply the rotation's plans (the switch, or the switch back after a roll back)",
    description:
      "409 `approval-required`, naming the plans, while any plan lacks the approvals its instance requires (nothing is applied then). Otherwise answers 202 with the rotation `applying`; poll it. Each plan runs as an ordinary deployment; when all succeed the secret follows the references, the retired named value is deleted after the grace period (at once after a roll back), and each switched API is verified at the gateway.",
    tags: ["secrets"],
    params: rotationParams,
    response: rotationSchema,
    successStatus: 202,
  }),
  rollBackSecretRotation: defineOperation({
    id: "rollBackSecretRotation",
    method: "POST",
    path: "/secrets/{id}/rotations/{rid}/rollback",
    permission: "config.write",
    summary: "Plan the switch back to the old named value (inside the grace period)",
    description:
      "Answers the rotation `rollback_planned` with `rollbackPlans`; apply it like the rotation. 409 after the grace period, when the old named value is gone.",
    tags: ["secrets"],
    params: rotationParams,
    response: rotationSchema,
  }),
  setSecretRotationPolicy: defineOperation({
    id: "setSecretRotationPolicy",
    method: "PUT",
    path: "/secrets/{id}/rotation-policy",
    permission: "config.write",
    summary: "Rotate a typed secret every N days (null: no policy)",
    tags: ["secrets"],
    params: secretParams,
    body: rotationPolicyBodySchema,
    response: secretSchema,
  }),
};
