import { clientState, findClientState } from "./client-state";
import type { PrismaClient } from "./generated/client";

/**
 * Work started on a database client and not awaited by whoever started it (it must not delay or
 * fail the change that triggered it, e.g. signing an audit checkpoint after appends). Closing the
 * database first waits for it (open-database.ts), so it never runs against a closed database.
 * Kept per client for every copy of lib/ (client-state.ts): the scheduler's copy waits for the
 * signing a request's copy started.
 */
const BACKGROUND_WORK = "backgroundWork";

/** Keeps `work` until it settles; it must handle its own failure (it is never awaited by its starter). */
export function runInBackground(db: PrismaClient, work: Promise<void>): void {
  const running = clientState(db, BACKGROUND_WORK, () => new Set<Promise<void>>());
  const tracked = work.finally(() => running.delete(tracked));
  running.add(tracked);
}

/** Resolves once no background work runs on `db`, including work that running work started. */
export async function backgroundWorkSettled(db: PrismaClient): Promise<void> {
  const running = findClientState<Set<Promise<void>>>(db, BACKGROUND_WORK);
  while (running && running.size > 0) await Promise.allSettled([...running]);
}
