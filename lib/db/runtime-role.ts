import type { AppConfig } from "../env";
import { postgresSession, type SqlSession } from "./sql-session";

/** The role DATABASE_URL signs in as (asked of the server: the URL may leave it to defaults). */
export async function runtimeRoleOf(url: string): Promise<string> {
  const session = await postgresSession(url);
  try {
    const [row] = await session.query<{ role: string }>("SELECT current_user AS role");
    return row!.role;
  } finally {
    await session.close();
  }
}

/**
 * Gives the runtime role its privileges as the migrations define them (portcullis_grant_runtime:
 * read and write the working tables; only read and append the audit history). Run by the owner
 * after every migration run, so tables added since are covered.
 */
export async function grantRuntimeRole(owner: SqlSession, runtimeRole: string): Promise<void> {
  await owner.query("SELECT portcullis_grant_runtime(to_regrole(quote_ident($1)))::text", [runtimeRole]);
}

/**
 * Why the database itself does not keep the runtime credentials from rewriting the audit
 * history, or null when it does: on PostgreSQL the runtime role must neither own the audit
 * tables (nor be a member of their owner) nor be a superuser. The embedded database always
 * has a single role. The hash chain and the signed checkpoints detect a rewrite either way.
 */
export async function auditProtectionWeakness(config: AppConfig["database"]): Promise<string | null> {
  if (config.kind !== "postgres") {
    return "the embedded database has a single role, which owns the audit tables: their triggers refuse changes, but that role could drop them. Use PostgreSQL with MIGRATION_DATABASE_URL for the full protection.";
  }
  const session = await postgresSession(config.url);
  try {
    const [row] = await session.query<{ role: string; superuser: boolean; owns: boolean }>(
      `SELECT current_user AS role, r.rolsuper AS superuser, pg_has_role(current_user, c.relowner, 'MEMBER') AS owns
         FROM pg_roles r, pg_class c
        WHERE r.rolname = current_user AND c.oid = 'audit_events'::regclass`,
    );
    if (row!.superuser)
      return `the runtime role ${row!.role} (DATABASE_URL) is a superuser: it can alter or disable the audit tables' triggers. Give DATABASE_URL an ordinary role and MIGRATION_DATABASE_URL the owner.`;
    if (row!.owns)
      return `the runtime role ${row!.role} (DATABASE_URL) owns the audit tables: it can alter or disable their triggers. Set MIGRATION_DATABASE_URL to the owner's URL and DATABASE_URL to a role without ownership (README, "PostgreSQL roles").`;
    return null;
  } finally {
    await session.close();
  }
}
