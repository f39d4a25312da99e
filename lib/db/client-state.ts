/**
 * What lib/ keeps per database client (its driver, its audit chain sequencer, its background
 * work), shared by every copy of lib/ in this process. `npm start` loads lib/ more than once: the
 * scheduler's copy (scripts/serve-app.ts, through tsx) and the Next.js server bundle's, which is
 * itself split (route handlers and pages are chunks with their own module instances). They all
 * use the one client lib/db/index.ts keeps on globalThis; a module-level WeakMap was one per copy,
 * so the driver registered by the copy that opened the database was unknown to the others (they
 * fell back to Prisma's slower raw queries) and each copy ran its own chain sequencer.
 */
const REGISTRY = Symbol.for("portcullis.clientState");
const holder = globalThis as unknown as Record<symbol, WeakMap<object, Map<string, unknown>> | undefined>;
const registry = (holder[REGISTRY] ??= new WeakMap());

function stateOf(db: object): Map<string, unknown> {
  let state = registry.get(db);
  if (!state) {
    state = new Map();
    registry.set(db, state);
  }
  return state;
}

/** The client's `name` state, made by `create` the first time any copy asks. */
export function clientState<T>(db: object, name: string, create: () => T): T {
  const state = stateOf(db);
  if (!state.has(name)) state.set(name, create());
  return state.get(name) as T;
}

/** The client's `name` state when some copy set or made it. */
export function findClientState<T>(db: object, name: string): T | undefined {
  return registry.get(db)?.get(name) as T | undefined;
}

export function setClientState<T>(db: object, name: string, value: T): void {
  stateOf(db).set(name, value);
}
