import { createPublicKey, type JsonWebKey } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { jwtVerify, type JWTPayload } from "jose";
import { MICROSOFT_GRAPH_AUDIENCE } from "../sandbox-coordinates";
import { GRAPH_READ_APPLICATIONS } from "./entra-claims";
import { entraIssuers } from "./entra-issuers";
import type { SandboxTenant } from "./identity-state";

/**
 * The sandbox's stand-in for one Microsoft Graph request: `GET /v1.0/servicePrincipals` with
 * `$filter=appId in ('…',…)` or `appId eq '…'` (at most 15 values, as Graph allows for directory
 * objects) and `$select=appId,displayName`, over the home tenant's applications. Like Graph it
 * wants an app token of the tenant for `https://graph.microsoft.com` that holds
 * Application.Read.All, and answers Graph's error shapes (401, 403, 400) otherwise.
 */
export function graphServicePrincipals(tenant: SandboxTenant, authorityHost: string) {
  const key = createPublicKey({ key: tenant.signingKey as JsonWebKey, format: "jwk" });
  const issuer = entraIssuers(authorityHost, tenant.tenantId).v2;
  const principals = servicePrincipalsOf(tenant);

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== "GET" || url.pathname !== "/v1.0/servicePrincipals")
      return graphError(res, 400, "Request_BadRequest", "Only GET /v1.0/servicePrincipals is served by the sandbox.");
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    let claims: JWTPayload;
    try {
      if (token === undefined) throw new Error("no token");
      ({ payload: claims } = await jwtVerify(token, key, { issuer, audience: MICROSOFT_GRAPH_AUDIENCE }));
    } catch {
      return graphError(res, 401, "InvalidAuthenticationToken", "Access token validation failure.");
    }
    const roles = Array.isArray(claims.roles) ? claims.roles : [];
    if (!roles.includes(GRAPH_READ_APPLICATIONS))
      return graphError(res, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    const appIds = appIdsOf(url.searchParams.get("$filter") ?? "");
    if (appIds === null)
      return graphError(res, 400, "Request_UnsupportedQuery", "Unsupported query: the sandbox filters by appId only.");
    if (appIds.length > 15)
      return graphError(
        res,
        400,
        "Request_UnsupportedQuery",
        `Too many child clauses specified in search filter expression containing 'OR' operators: ${appIds.length}. Max allowed: 15.`,
      );
    const wanted = new Set(appIds.map((id) => id.toLowerCase()));
    const value = principals.filter((sp) => wanted.has(sp.appId.toLowerCase()));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(appId,displayName)",
        value,
      }),
    );
  };
}

/** The tenant's applications with a service principal, by the names an admin would have given them. */
function servicePrincipalsOf(tenant: SandboxTenant): Array<{ id: string; appId: string; displayName: string }> {
  return [
    { ...tenant.webClient, displayName: "Portcullis (sandbox)" },
    { ...tenant.automationClient, displayName: "Sandbox automation" },
    { ...tenant.secondAutomationClient, displayName: "Sandbox second automation" },
    ...tenant.callerClients,
  ].map(({ objectId, clientId, displayName }) => ({ id: objectId, appId: clientId, displayName }));
}

/** `appId in ('a','b')` or `appId eq 'a'`; null for any other filter. */
function appIdsOf(filter: string): string[] | null {
  const single = /^\s*appId\s+eq\s+'([^']*)'\s*$/i.exec(filter);
  if (single) return [single[1]!];
  const list = /^\s*appId\s+in\s+\(((?:\s*'[^']*'\s*,?)*)\)\s*$/i.exec(filter);
  if (!list) return null;
  return [...list[1]!.matchAll(/'([^']*)'/g)].map((match) => match[1]!);
}

function graphError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code, message } }));
}
