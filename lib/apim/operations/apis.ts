import type { ApiContract } from "@azure/arm-apimanagement";
import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import type { ApimContext } from "./apim-context";
import { listAll, type ListOptions, type RawEntity } from "./collect-pages";
import { getEntity } from "./entity-requests";

/** An API of the instance as discovery needs it. Revisions other than the current one are listed too, with `;rev=n` names. */
export interface ApimApi {
  /** ARM name, e.g. `azure-openai` (`azure-openai;rev=2` for a non-current revision). */
  name: string;
  displayName: string;
  path: string;
  serviceUrl: string | null;
  apiRevision: string | null;
  isCurrent: boolean;
  apiVersion: string | null;
  /** `http`, `soap`, `graphql`, `websocket`, … */
  apiType: string | null;
  subscriptionRequired: boolean | null;
  /** The header a subscription key is sent in (APIM's default `Ocp-Apim-Subscription-Key` unless the API renames it). */
  subscriptionKeyHeader: string;
}

/**
 * All APIs, following `nextLink` across pages. Raw pages, not the SDK's list: at 500 APIs its
 * mapper-based deserialiser was the largest part of a sync's CPU (bench/README.md, "Estate size").
 */
export function listApis(ctx: ApimContext, options: ListOptions<ApimApi> = {}): Promise<ArmResult<ApimApi[]>> {
  return listAll(
    ctx,
    `the APIs of service '${ctx.instance.serviceName}'`,
    `${ctx.serviceUrl}/apis?api-version=${ctx.apiVersion}`,
    apiOfEntity,
    options,
  );
}

/** One API with its ETag, or null when it does not exist. */
export function getApi(
  ctx: ApimContext,
  apiName: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<(ApimApi & { etag: string }) | null>> {
  return runArmCall(options, ctx.callTimeoutMs, `API '${apiName}'`, async (call) => {
    const found = await getEntity(
      ctx,
      call,
      `${ctx.serviceUrl}/apis/${encodeURIComponent(apiName)}?api-version=${ctx.apiVersion}`,
    );
    return found && { ...apiOfEntity(found.json as RawEntity), etag: found.etag };
  });
}

/** An API as ARM sends it, in a list or alone. */
export function apiOfEntity(entity: RawEntity): ApimApi {
  // Read from `properties` in place (no flattened copy: lists of hundreds go through here). The
  // SDK's model names ARM's `properties.type` apiType (`type` is the resource's).
  const api = (entity.properties ?? {}) as Omit<ApiContract, "name" | "apiType"> & { type?: string };
  return {
    name: entity.name ?? "",
    displayName: api.displayName ?? entity.name ?? "",
    path: api.path ?? "",
    serviceUrl: api.serviceUrl ?? null,
    apiRevision: api.apiRevision ?? null,
    isCurrent: api.isCurrent ?? true,
    apiVersion: api.apiVersion ?? null,
    apiType: api.type ?? null,
    subscriptionRequired: api.subscriptionRequired ?? null,
    subscriptionKeyHeader: api.subscriptionKeyParameterNames?.header || "Ocp-Apim-Subscription-Key",
  };
}
