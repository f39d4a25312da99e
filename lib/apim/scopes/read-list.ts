import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import type { ListOptions } from "../operations/collect-pages";
import type { ScopeRead, ScopeReader } from "./scope-read";

/**
 * Reads a list and, as each page arrives, starts `each` for its items (those `keep` accepts):
 * the reads that depend on the list do not wait for its last page. The list's result holds
 * every item's result once all have ended; when the list fails part-way, the reads already
 * started still end (nothing is left running) and the list is unreadable.
 */
export async function readList<T, R>(
  reader: ScopeReader,
  list: (call: ListOptions<T>) => Promise<ArmResult<T[]>>,
  each: (item: T) => Promise<R>,
  keep: (item: T) => boolean = () => true,
): Promise<ScopeRead<R[]>> {
  const started: Promise<R>[] = [];
  const onPage = (page: readonly T[]) => {
    for (const item of page) if (keep(item)) started.push(each(item));
  };
  const read = await reader.read((call: ArmCallOptions) => list({ ...call, onPage }));
  const results = await Promise.all(started);
  return read.state === "read" ? { ...read, value: results } : read;
}
