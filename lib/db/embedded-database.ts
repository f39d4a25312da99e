import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/**
 * The embedded database (PGlite) with the extensions the migrations create: pg_trgm, whose
 * trigram index serves the audit actor filter (part of a name). Every PGlite the app, the
 * migrator and the tests open comes from here, so the migrations run on each.
 */
export function openEmbeddedDatabase(dataDir?: string): PGlite {
  // Options first: PGlite ignores them when they follow an undefined data directory.
  return new PGlite({ dataDir, extensions: { pg_trgm } });
}
