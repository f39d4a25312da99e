import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { findInstanceOrThrow } from "../instances/find-instance";
import { buildAccessMatrix } from "./build-access-matrix";
import type { AccessMatrix } from "./matrix-schemas";

export interface AccessMatrixInput {
  instanceId: string;
  /** Only APIs anyone who reaches the gateway can call (on some path or operation). */
  anyoneCanCall?: boolean;
  /** Only APIs with a finding (on some path or operation). */
  hasFindings?: boolean;
  /** ARM calls in flight at most (default 32). */
  concurrency?: number;
}

/**
 * Who can call each API of an instance, as APIM really decides it: every scope is read from ARM
 * now (never stored), each API's effective-access paths are composed by the shared mapping, and
 * each becomes a row of columns a reviewer reads (caller validation, client applications with
 * their names where known, audiences, claims, subscription, backend authentication, secret kind,
 * findings). A scope ARM refuses is shown as unreadable, with what could not be concluded.
 */
export async function getAccessMatrix(ctx: RequestContext, input: AccessMatrixInput): Promise<AccessMatrix> {
  await authorize(ctx, "config.read");
  const instance = await findInstanceOrThrow(getDb(), input.instanceId);
  const matrix = await buildAccessMatrix(instance, {
    correlationId: ctx.requestId,
    ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
  });
  return { ...matrix, rows: filterAccessRows(matrix.rows, input) };
}

/** The rows the filters keep: anyone can call it (on some path or operation), it has a finding. */
export function filterAccessRows(
  rows: AccessMatrix["rows"],
  filters: { anyoneCanCall?: boolean; hasFindings?: boolean },
): AccessMatrix["rows"] {
  return rows
    .filter((row) => !filters.anyoneCanCall || row.anyoneCanCall)
    .filter((row) => !filters.hasFindings || row.findings.count > 0);
}
