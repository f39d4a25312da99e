import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
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
