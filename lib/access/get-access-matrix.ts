import { apimClientForInstance } from "../apim/client-for-instance";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { findInstanceOrThrow } from "../instances/find-instance";
import { storedProfile } from "../profiles/stored-profile";
import { accessMatrixRows, type StoredApi } from "./access-matrix-rows";
import { clientDirectory } from "./client-directory";
import type { AccessMatrix } from "./matrix-schemas";
import { readInstanceAccess } from "./read-instance-access";

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
  const db = getDb();
  const instance = await findInstanceOrThrow(db, input.instanceId);
  const [read, apis] = await Promise.all([
    readInstanceAccess(apimClientForInstance(instance), {
      correlationId: ctx.requestId,
      ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
    }),
    db.api.findMany({
      where: { instanceId: instance.id, goneAt: null },
      select: {
        id: true,
        apimName: true,
        profileVersions: {
          select: { apiId: true, version: true, profile: true },
          orderBy: { version: "desc" },
          take: 1,
        },
      },
    }),
  ]);
  const stored = new Map<string, StoredApi>(
    apis.map((api) => {
      const version = api.profileVersions[0];
      return [api.apimName, { id: api.id, profile: version === undefined ? null : storedProfile(version) }];
    }),
  );
  const matrix = accessMatrixRows(read, stored);
  const directory = clientDirectory();
  const names = await directory.displayNames([...matrix.appIds]);
  const rows = matrix.rows
    .filter((row) => !input.anyoneCanCall || row.anyoneCanCall)
    .filter((row) => !input.hasFindings || row.findings.count > 0)
    .map((row) => ({
      ...row,
      paths: row.paths.map((path) => ({
        ...path,
        clientApplications: path.clientApplications.map(({ appId }) => ({
          appId,
          displayName: names.get(appId) ?? null,
        })),
      })),
    }));
  return {
    instanceId: instance.id,
    instanceName: instance.name,
    readFrom: matrix.readFrom,
    readTo: matrix.readTo,
    armRequests: read.requests,
    directory: directory.source,
    unreadable: matrix.unreadable,
    rows,
  };
}
