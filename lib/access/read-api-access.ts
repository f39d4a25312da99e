import { findApiOrThrow } from "../apis/find-api";
import { readApiScopes, readServiceFacts, type ApimClient, type Backend, type ScopeRead } from "../apim";
import { apimClientForInstance } from "../apim/client-for-instance";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { AccessProfile } from "../policy";
import { storedProfile } from "../profiles/stored-profile";
import { getEntraConfig } from "../auth/bearer-context";
import { backendFacts, type ApiAccessContext, type ApiAccessScopes } from "./api-access-paths";

export interface ApiAccessRead {
  api: { id: string; apimName: string; displayName: string; instanceId: string };
  scopes: ApiAccessScopes;
  /** With the Entra sign-in host Portcullis uses: the gateway takes tenants' tokens from the same cloud (or, in sandbox mode, the sandbox identity provider). */
  context: ApiAccessContext;
  profileVersion: number | null;
  /** ARM requests sent, retries included. */
  armRequests: number;
}

/**
 * Reads what the effective access of one API depends on, now (scopes are not stored: the page
 * shows when they were read): every scope a call runs through, the service's named values and
 * backends from APIM with the instance's client, and the API's current profile from the database.
 * A scope ARM refuses is unreadable, never an error of the whole read.
 */
export async function readApiAccess(ctx: RequestContext, apiId: string): Promise<ApiAccessRead> {
  const db = getDb();
  const api = await findApiOrThrow(db, apiId);
  const current = await db.accessProfileVersion.findFirst({ where: { apiId }, orderBy: { version: "desc" } });
  const read = await readAccessScopes(apimClientForInstance(api.instance), api.apimName, ctx.requestId);
  return {
    api: { id: api.id, apimName: api.apimName, displayName: api.displayName, instanceId: api.instanceId },
    ...withProfile(read, current ? storedProfile(current) : null),
    profileVersion: current?.version ?? null,
  };
}

/** What readAccessScopes reads of APIM: every scope but the profile, which comes from the database. */
export type AccessScopesRead = Pick<ApiAccessRead, "scopes" | "context" | "armRequests">;

/**
 * Every scope a call to the API runs through, and the service's named values and backends, read
 * from APIM with `apim` (the instance's client, or a plan's withSharedReads of it). It needs nothing
 * from the database, so a plan can send it before it has read the profile (withProfile adds it).
 */
export async function readAccessScopes(
  apim: ApimClient,
  apimName: string,
  correlationId: string,
): Promise<AccessScopesRead> {
  const call = { correlationId };
  const [scopes, facts] = await Promise.all([readApiScopes(apim, apimName, call), readServiceFacts(apim, call)]);
  const { requests, ...apiScopes } = scopes;
  return {
    scopes: apiScopes,
    context: {
      namedValues: facts.namedValues,
      ...backendsOf(facts.backends),
      entraAuthorityHost: getEntraConfig().authorityHost,
    },
    armRequests: requests + facts.requests,
  };
}

/** The read with the access profile the analysis compares with (the API's, or the one a plan writes). */
export function withProfile(read: AccessScopesRead, profile: AccessProfile | null): AccessScopesRead {
  return { ...read, context: { ...read.context, profile } };
}

function backendsOf(read: ScopeRead<Backend[]>): Pick<ApiAccessContext, "backends" | "backendsRead"> {
  const backends = backendFacts(read);
  return backends === undefined ? { backendsRead: read } : { backends, backendsRead: read };
}
