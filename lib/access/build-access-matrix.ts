import { apimClientForInstance, type InstanceCoordinates } from "../apim/client-for-instance";
import { getDb } from "../db";
import { storedProfile } from "../profiles/stored-profile";
import { accessMatrixRow, instanceUnreadable, type MatrixRow, type StoredApi } from "./access-matrix-rows";
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
  const stored = storedApis(instance.id);
  // Each API's row is made as soon as it has been read, while the others are still being read.
  const made = new Map<string, Promise<MatrixRow>>();
  const read = await readInstanceAccess(apimClientForInstance(instance), {
    ...options,
    onApi: (api, context) =>
      made.set(
        api.api.name,
        Promise.all([context, stored]).then(([ready, apis]) => accessMatrixRow(api, ready, apis.get(api.api.name))),
      ),
  });
  await stored; // its failure is this call's, also when no API was listed
  const listed = read.scopes.apis.state === "read" ? read.scopes.apis.value : [];
  const rows = await Promise.all(listed.map((api) => made.get(api.api.name)!));
  const instants = [read.scopes.service.readAt, read.scopes.apis.readAt, read.namedValues.readAt]
    .concat(rows.flatMap(({ readFrom, readTo }) => [readFrom, readTo]))
    .filter((instant) => instant !== "")
    .sort();
  const appIds = new Set(
    rows.flatMap(({ row }) => row.paths.flatMap((path) => path.clientApplications.map((client) => client.appId))),
  );
  const directory = clientDirectory();
  const { names, problem } = await directory.displayNames([...appIds]);
  return {
    instanceId: instance.id,
    instanceName: instance.name,
    readFrom: instants[0] ?? "",
    readTo: instants[instants.length - 1] ?? "",
    armRequests: read.requests,
    directory: directory.source,
    directoryProblem: problem,
    unreadable: instanceUnreadable(read),
    rows: rows.map(({ row }) => ({
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

/** The APIs Portcullis knows on the instance, by APIM name, with their current profile. */
async function storedApis(instanceId: string): Promise<Map<string, StoredApi>> {
  const apis = await getDb().api.findMany({
    where: { instanceId, goneAt: null },
    select: {
      id: true,
      apimName: true,
      profileVersions: { select: { apiId: true, version: true, profile: true }, orderBy: { version: "desc" }, take: 1 },
    },
  });
  return new Map(
    apis.map((api) => {
      const version = api.profileVersions[0];
      return [api.apimName, { id: api.id, profile: version === undefined ? null : storedProfile(version) }];
    }),
  );
}
