import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { requireEtag } from "../errors/arm-failure";
import { ifMatchFor, ifMatchOf, type Expected } from "../expected-state";
import { expectSuccess, jsonBody } from "../raw-request";
import type { ApimContext } from "./apim-context";
import { listAll } from "./collect-pages";
import { deleteEntity, getEntity, getEntityEtag } from "./entity-requests";

/**
 * A backend's ARM `properties`, kept whole: fields we do not model (tls, proxy, circuit
 * breaker, pools, …) come back as read, so a read-modify-write never drops them.
 */
export interface BackendProperties {
  url: string;
  /** `http` or `soap`. */
  protocol: string;
  title?: string | null;
  description?: string | null;
  credentials?: BackendCredentials | null;
  [other: string]: unknown;
}

export interface BackendCredentials {
  /** Header name → values; values may reference named values as `{{displayName}}`. */
  header?: Record<string, string[]>;
  /** APIM authenticates with its managed identity for `resource` (a preview-only field). */
  managedIdentity?: { resource: string; clientId?: string };
  [other: string]: unknown;
}

export interface Backend {
  name: string;
  properties: BackendProperties;
}

/*
 * Backends go through raw requests on a preview api-version (2024-06-01-preview by default)
 * instead of the SDK: the SDK's serializer silently drops `credentials.managedIdentity`
 * (BackendCredentialsContract has no such property and no additionalProperties), and the
 * 2024-05-01 contract it speaks does not define it, so it could neither write nor reliably
 * read it. One api-version for reads and writes keeps what we read and what we write the same shape.
 */

const describe = (name: string) => `backend '${name}'`;

export function listBackends(ctx: ApimContext, options: ArmCallOptions = {}): Promise<ArmResult<Backend[]>> {
  return listAll(ctx, `the backends of service '${ctx.instance.serviceName}'`, backendUrl(ctx), toBackend, options);
}

export function getBackend(
  ctx: ApimContext,
  name: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<(Backend & { etag: string }) | null>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), async (call) => {
    const found = await getEntity(ctx, call, backendUrl(ctx, name));
    return found && { ...toBackend(found.json), etag: found.etag };
  });
}

export function getBackendEtag(
  ctx: ApimContext,
  name: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<string | null>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), (call) =>
    getEntityEtag(ctx, call, backendUrl(ctx, name)),
  );
}

/** Creates or replaces the backend with exactly these properties. */
export function putBackend(
  ctx: ApimContext,
  name: string,
  properties: BackendProperties,
  expected: Expected,
  options: ArmCallOptions = {},
): Promise<ArmResult<Backend & { etag: string }>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), async (call) => {
    const request = {
      method: "PUT",
      url: backendUrl(ctx, name),
      ifMatch: ifMatchFor(expected),
      body: { properties },
    } as const;
    const response = expectSuccess(await ctx.transport.send(call, request));
    return { ...toBackend(jsonBody(response)), etag: requireEtag(response.headers.get("etag"), response.status) };
  });
}

export function deleteBackend(
  ctx: ApimContext,
  name: string,
  expected: { etag: string },
  options: ArmCallOptions = {},
): Promise<ArmResult<void>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), (call) =>
    deleteEntity(ctx, call, backendUrl(ctx, name), ifMatchOf(expected.etag)),
  );
}

function backendUrl(ctx: ApimContext, name?: string): string {
  const path = name === undefined ? "/backends" : `/backends/${encodeURIComponent(name)}`;
  return `${ctx.serviceUrl}${path}?api-version=${ctx.backendApiVersion}`;
}

function toBackend(json: unknown): Backend {
  const { name, properties } = json as { name?: string; properties?: BackendProperties };
  return { name: name ?? "", properties: properties ?? { url: "", protocol: "http" } };
}
