import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { expectSuccess, jsonBody } from "../raw-request";
import type { ApimContext } from "./apim-context";

/** Options of a list: the call's, and `onPage` to act on each page as it arrives (pipelined reads). */
export interface ListOptions<T> extends ArmCallOptions {
  /** Called with each page's items, in order, before the next page is asked for. */
  onPage?: (items: readonly T[]) => void;
}

/**
 * A whole list as one ARM call (one correlation id, deadline and retry budget for all its
 * pages): a GET of `url`, then of each page's nextLink, every item mapped, each page handed to
 * `onPage` as it arrives. `map` gets each item as ARM sent it. Not the SDK's lists: their
 * mapper-based deserialisers cost more CPU than the requests (bench/README.md, "Estate size").
 * `what` names the list in error messages, e.g. "the products of service 'x'".
 */
export function listAll<R>(
  ctx: ApimContext,
  what: string,
  url: string,
  map: (item: RawEntity) => R,
  options: ListOptions<R>,
): Promise<ArmResult<R[]>> {
  return runArmCall(options, ctx.callTimeoutMs, what, async (call) => {
    const items: R[] = [];
    for (let next: string | undefined = url; next !== undefined;) {
      const page = jsonBody(expectSuccess(await ctx.transport.send(call, { method: "GET", url: next }))) as {
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
