import { limitConcurrency } from "../apim";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { isAppError } from "../errors";
import { buildAccessMatrix } from "./build-access-matrix";
import { clientDirectory } from "./client-directory";
import type { AccessMatrix, AccessPathRow, ClientApplicationAccess } from "./matrix-schemas";

export interface ClientApplicationAccessInput {
  appId: string;
  /** One instance only; absent: every registered instance. */
  instanceId?: string;
}

type Reason = ClientApplicationAccess["items"][number]["paths"][number]["reason"];

/**
 * "Which APIs can client application X call", across every registered instance (or one): each
 * instance's access matrix is read now, and a path counts when its token validation lists the
 * application, accepts any application of its issuer, or nobody is checked at all (no
 * subscription key either). Paths that need only a subscription key are not listed: whoever
 * holds the key can call them, whatever application they are. What could not be read is said,
 * since an API there may be missing from the answer.
 */
export async function getClientApplicationAccess(
  ctx: RequestContext,
  input: ClientApplicationAccessInput,
): Promise<ClientApplicationAccess> {
  await authorize(ctx, "config.read");
  const instances = await getDb().instance.findMany({
    where: input.instanceId === undefined ? {} : { id: input.instanceId },
    orderBy: { name: "asc" },
  });
  const appId = input.appId.toLowerCase();
  // Each instance's read has its own ARM concurrency limit; two instances at a time keeps the total moderate.
  const limit = limitConcurrency(2);
  const matrices = await Promise.all(
    instances.map((instance) =>
      limit(async (): Promise<AccessMatrix | { instance: typeof instance; message: string }> => {
        try {
          return await buildAccessMatrix(instance, { correlationId: ctx.requestId });
        } catch (error) {
          // An endpoint no longer allowed, …: say so for this instance, answer for the others.
          if (!isAppError(error)) throw error;
          return { instance, message: error.message };
        }
      }),
    ),
  );
  const items: ClientApplicationAccess["items"] = [];
  const unreadable: ClientApplicationAccess["unreadable"] = [];
  for (const matrix of matrices) {
    if ("message" in matrix) {
      unreadable.push({
        instanceId: matrix.instance.id,
        instanceName: matrix.instance.name,
        what: "the instance",
        message: matrix.message,
      });
      continue;
    }
    const found = applicationAccessIn(matrix, appId);
    items.push(...found.items);
    unreadable.push(...found.unreadable);
  }
  const { names } = await clientDirectory().displayNames([appId]);
  return { appId, displayName: names.get(appId) ?? null, items, unreadable, readAt: new Date().toISOString() };
}

/** The paths of one instance's matrix that `appId` can call (see getClientApplicationAccess), and what was unreadable there. */
export function applicationAccessIn(
  matrix: AccessMatrix,
  appId: string,
): Pick<ClientApplicationAccess, "items" | "unreadable"> {
  const id = appId.toLowerCase();
  const where = { instanceId: matrix.instanceId, instanceName: matrix.instanceName };
  const items: ClientApplicationAccess["items"] = [];
  const unreadable: ClientApplicationAccess["unreadable"] = matrix.unreadable.map((scope) => ({
    ...where,
    what: scope.what,
    message: scope.message,
  }));
  for (const row of matrix.rows) {
    for (const scope of row.unreadable)
      unreadable.push({ ...where, what: `${scope.what} (API ${row.displayName})`, message: scope.message });
    const paths = row.paths.flatMap((path) => {
      const reason = reasonFor(path, id);
      return reason === null
        ? []
        : [{ key: path.key, label: path.label, reason, conditions: conditionsOf(path), findings: path.findings.codes }];
    });
    if (paths.length > 0)
      items.push({ ...where, apiId: row.apiId, apimName: row.apimName, displayName: row.displayName, paths });
  }
  return { items, unreadable };
}

function reasonFor(path: AccessPathRow, appId: string): Reason | null {
  if (path.clientApplications.some((client) => client.appId.toLowerCase() === appId)) return "listed";
  if (path.anyClientApplication) return "any-client";
  if (path.anyoneCanCall) return "anyone-can-call";
  return null;
}

/** What else the application's token must carry on this path, in words. */
function conditionsOf(path: AccessPathRow): string[] {
  const conditions: string[] = [];
  for (const validation of path.callerValidation) {
    if (validation.tenant !== null) conditions.push(`a token of tenant ${validation.tenant}`);
    if (validation.issuers.length > 0) conditions.push(`a token issued by ${validation.issuers.join(" or ")}`);
  }
  if (path.audiences.length > 0) conditions.push(`for audience ${path.audiences.join(" or ")}`);
  for (const claim of path.requiredClaims) conditions.push(`claim ${claim}`);
  if (path.subscriptionRequired) conditions.push("a subscription key");
  return conditions;
}
