import pg from "pg";
import { E2E_DATABASE } from "./e2e-env";

/** Direct access to the e2e app's database, for what a test cannot wait for (time passing). */
export async function withAppDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  url.pathname = `/${E2E_DATABASE}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The sandbox instance back to its settings as seeded (no environment, so applies need no
 * approval), whatever a spec that changed them left: lowering the protection honestly takes two
 * admins in the console, which a spec's clean-up cannot count on after a failure. A settings
 * change still waiting is superseded, as asking for another would.
 */
export async function resetSandboxApprovalSettings(): Promise<void> {
  await withAppDatabase(async (db) => {
    await db.query(
      `UPDATE instance_settings_changes SET status = 'superseded', resolved_at = now()
        WHERE status = 'pending' AND instance_id = (SELECT id FROM instances WHERE name = 'sandbox')`,
    );
    await db.query(
      `UPDATE instances SET environment = NULL, approvals_required = NULL, automation_approvers = false,
              approval_lifetime_hours = 24
        WHERE name = 'sandbox'`,
    );
  });
}
