import { apiOperations } from "../apis/operations";
import { auditOperations } from "../audit/operations";
import { identityOperations } from "../auth/operations";
import { deploymentOperations } from "../deployments/operations";
import { instanceOperations } from "../instances/operations";
import { profileOperations } from "../profiles/operations";
import { secretOperations } from "../secrets/operations";

/**
 * Every /api/v1 operation, keyed by operation id. Each feature declares its own in
 * lib/<feature>/operations.ts; route handlers enforce them and openapi.json publishes them.
 */
export const operations = {
  ...identityOperations,
  ...instanceOperations,
  ...apiOperations,
  ...profileOperations,
  ...deploymentOperations,
  ...secretOperations,
  ...auditOperations,
};

export type OperationId = keyof typeof operations;
