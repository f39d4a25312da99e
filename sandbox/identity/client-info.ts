import type { KoaContextWithOIDC, Provider } from "oidc-provider";
import type { SandboxTenant } from "./identity-state";

/**
 * Entra answers a token request that carries an ID token with `client_info`: base64url JSON
 * `{ uid: oid, utid: tid }`. MSAL builds its account id (`homeAccountId` = `uid.utid`) from
 * it and only falls back to `sub`, with a warning, when it is missing. Adding it keeps MSAL
 * on the same path as against Entra.
 */
export function clientInfoMiddleware(tenant: SandboxTenant): Parameters<Provider["use"]>[0] {
  return async (koaCtx, next) => {
    await next();
    const ctx = koaCtx as KoaContextWithOIDC;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.oidc?.route !== "token" || typeof body?.id_token !== "string") return;
    const user = tenant.users.find((candidate) => candidate.sub === ctx.oidc.account?.accountId);
    if (!user) return;
    body.client_info = Buffer.from(JSON.stringify({ uid: user.oid, utid: tenant.tenantId })).toString("base64url");
  };
}
