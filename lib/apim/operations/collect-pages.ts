import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { expectSuccess, jsonBody, sendRawArmRequest } from "../raw-request";
import type { ApimContext } from "./apim-context";

/** Options of a list: the call's, and `onPage` to act on each page as it arrives (pipelined reads). */
export interface ListOptions<T> extends ArmCallOptions {
  /** Called with each page's items, in order, before the next page is asked for. */
  onPage?: (items: readonly T[]) => void;
}

/** Every item of an SDK list, page by page (each page follows the previous one's nextLink). */
export async function collectPages<T, R>(
  pages: AsyncIterable<T[]>,
  map: (item: T) => R,
  onPage?: (items: readonly R[]) => void,
): Promise<R[]> {
  const items: R[] = [];
  for await (const page of pages) {
    const mapped = page.map(map);
    items.push(...mapped);
    onPage?.(mapped);
  }
  return items;
}

/**
 * A whole SDK list as one ARM call (one correlation id, deadline and retry budget for all its
 * pages): every item mapped, each page handed to `onPage` as it arrives. `what` names the list
 * in error messages, e.g. "the products of service 'x'".
 */
export function listAll<T, R>(
  ctx: ApimContext,
  what: string,
  pages: () => AsyncIterable<T[]>,
  map: (item: T) => R,
  options: ListOptions<R>,
): Promise<ArmResult<R[]>> {
  return runArmCall(options, ctx.callTimeoutMs, what, () => collectPages(pages(), map, options.onPage));
}

/**
 * listAll through a raw GET of `url` (then each page's nextLink) instead of an SDK list: the
 * SDK's operation specs cost more CPU per call than everything else the client does (hot reads
 * of every plan; bench/README.md, "Apply a profile change to 200 APIs"). `map` gets each item
 * as ARM sent it.
 */
export function listAllRaw<R>(
  ctx: ApimContext,
  what: string,
  url: string,
  map: (item: RawEntity) => R,
  options: ListOptions<R>,
): Promise<ArmResult<R[]>> {
  return runArmCall(options, ctx.callTimeoutMs, what, async () => {
    const items: R[] = [];
    for (let next: string | undefined = url; next !== undefined;) {
      const page = jsonBody(expectSuccess(await sendRawArmRequest(ctx.sdk, { method: "GET", url: next }))) as {
        value?: RawEntity[];
        nextLink?: string | null;
      };
      const mapped = (page.value ?? []).map(map);
      items.push(...mapped);
      options.onPage?.(mapped);
      // The last page has no nextLink, or an empty one (ApiManagementListApis.json).
      next = page.nextLink || undefined;
    }
    return items;
  });
}

/** An ARM entity as sent: its name, and its properties, which the SDK's models flatten into one object. */
export interface RawEntity {
  name?: string;
  properties?: Record<string, unknown>;
}

/** The entity as the SDK's model of it (`T`) has it, for models that keep ARM's property names. */
export function flattened<T>(entity: RawEntity): T {
  return { ...entity.properties, name: entity.name } as T;
}
