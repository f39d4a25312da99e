import { apimClientForInstance, type InstanceCoordinates } from "../apim/client-for-instance";
import { getDb } from "../db";
import { storedProfile } from "../profiles/stored-profile";
import { accessMatrixRows, type StoredApi } from "./access-matrix-rows";
import { clientDirectory } from "./client-directory";
import type { AccessMatrix } from "./matrix-schemas";
import { readInstanceAccess } from "./read-instance-access";

/** An instance: where ARM reaches it, and its name for the matrix. */
export type MatrixInstance = InstanceCoordinates & { name: string };

/**
 * The whole access matrix of one instance (no filter, no permission check: the use cases do
 * that): every scope read from ARM now, the stored profiles of its APIs, each API's
 * effective-access paths as columns, client application names from the directory.
 */
export async function buildAccessMatrix(
  instance: MatrixInstance,
  options: { correlationId: string; concurrency?: number },
): Promise<AccessMatrix> {
  const [read, apis] = await Promise.all([
    readInstanceAccess(apimClientForInstance(instance), options),
    getDb().api.findMany({
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
  return {
    instanceId: instance.id,
    instanceName: instance.name,
    readFrom: matrix.readFrom,
    readTo: matrix.readTo,
    armRequests: read.requests,
    directory: directory.source,
    unreadable: matrix.unreadable,
    rows: matrix.rows.map((row) => ({
      ...row,
      paths: row.paths.map((path) => ({
        ...path,
        clientApplications: path.clientApplications.map(({ appId }) => ({
          appId,
          displayName: names.get(appId) ?? null,
        })),
      })),
    })),
  };
}
