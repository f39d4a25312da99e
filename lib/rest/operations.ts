import { accessOperations } from "../access/operations";
import { apisOperations } from "../apis/operations";
import { auditOperations } from "../audit/operations";
import { authOperations } from "../auth/operations";
import { changeSetsOperations } from "../change-sets/operations";
import { deploymentsOperations } from "../deployments/operations";
import { environmentsOperations } from "../environments/operations";
import { instancesOperations } from "../instances/operations";
import { notificationsOperations } from "../notifications/operations";
import { profilesOperations } from "../profiles/operations";
import { rotationOperations } from "../rotation/operations";
import { schedulerOperations } from "../scheduler/operations";
import { secretsOperations } from "../secrets/operations";
import { templatesOperations } from "../templates/operations";
import { verificationOperations } from "../verification/operations";

/**
 * Every /api/v1 operation, keyed by operation id. Each feature declares its own in
 * lib/<feature>/operations.ts; route handlers enforce them and openapi.json publishes them.
 */
export const operations = {
  ...authOperations,
  ...instancesOperations,
  ...apisOperations,
  ...profilesOperations,
  ...deploymentsOperations,
  ...changeSetsOperations,
  ...secretsOperations,
  ...rotationOperations,
  ...auditOperations,
  ...accessOperations,
  ...verificationOperations,
  ...notificationsOperations,
  ...schedulerOperations,
  ...environmentsOperations,
  ...templatesOperations,
};

export type OperationId = keyof typeof operations;
