import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { apiAccessPaths } from "./api-access-paths";
import { clientApplicationsOf } from "./client-applications";
import { effectiveAccessView } from "./effective-access-view";
import { readApiAccess } from "./read-api-access";
import type { EffectiveAccessView } from "./schemas";

/**
 * What access one API really grants: per way a call reaches it (each product holding it, and no
 * product), the statements of every scope that decide access and the backend call, the findings,
 * and what could not be concluded because a scope could not be read. Read from APIM on demand.
 */
export async function getEffectiveAccess(ctx: RequestContext, input: { apiId: string }): Promise<EffectiveAccessView> {
  await authorize(ctx, "config.read");
  const read = await readApiAccess(ctx, input.apiId);
  const access = apiAccessPaths(read.api.apimName, read.scopes, read.context);
  return {
    ...effectiveAccessView(access, read.api, { profileVersion: read.profileVersion, armRequests: read.armRequests }),
    ...(await clientApplicationsOf(access, read.context.namedValues)),
  };
}
