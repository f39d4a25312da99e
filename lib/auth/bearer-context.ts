import { getConfig } from "../env";
import { AppError } from "../errors";
import type { RequestMeta } from "../rest/request-meta";
import { createBearerTokenValidator, type BearerTokenValidator } from "./bearer-token";
import { resolveEntraConfig, type EntraConfig } from "./entra-config";
import { permissionsOf, rolesFromClaims } from "./permissions";
import type { RequestContext } from "./request-context";

let entra: EntraConfig | undefined;
let validator: BearerTokenValidator | undefined;

/** The app's Entra coordinates, resolved once per process. */
export function getEntraConfig(): EntraConfig {
  if (!entra) {
    const settings = getConfig().entra;
    if (!settings)
      throw new AppError(
        "config",
        "Entra ID is not configured (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET).",
      );
    entra = resolveEntraConfig(settings);
  }
  return entra;
}

/** The REST API's caller, from the bearer token alone. Cookies are never consulted. */
export async function bearerContext(headers: Headers, meta: RequestMeta): Promise<RequestContext> {
  // One validator per process: it caches the tenant's signing keys.
  validator ??= createBearerTokenValidator(getEntraConfig());
  const caller = await validator.authenticate(headers.get("authorization"));
  const roles = rolesFromClaims(caller.roles, getConfig().roles);
  return {
    actor: { type: caller.kind, oid: caller.oid, tid: caller.tid, name: caller.name, roles },
    permissions: permissionsOf(roles),
    requestId: meta.requestId,
    clientIp: meta.clientIp,
    channel: "api",
  };
}
