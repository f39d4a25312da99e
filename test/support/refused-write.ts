import type { PrismaClient } from "../../lib/db";

/**
 * Runs `attempt` while the database refuses one kind of write (`write`, a trigger's event and
 * table, e.g. `INSERT ON change_sets` or `UPDATE OF template_id ON apis`): a failure injected
 * into one part of a use case's writes, as a crash or a refused row would leave it. Expects the
 * attempt to fail with the refusal; the trigger is gone again afterwards. `owner`: the schema's
 * owner (the runtime role may not create triggers).
 */
export async function whileWriteRefused(
  owner: PrismaClient,
  write: string,
  attempt: () => Promise<unknown>,
): Promise<void> {
  await owner.$executeRawUnsafe(`
    CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'write refused by the test'; END $$`);
  await owner.$executeRawUnsafe(
    `CREATE TRIGGER refuse_write BEFORE ${write} FOR EACH ROW EXECUTE FUNCTION refuse_write()`,
  );
  try {
    await attempt().then(
      () => {
        throw new Error(`expected the attempt to fail: ${write} was refused`);
      },
      (error: unknown) => {
        if (!String((error as Error).message).includes("write refused by the test")) throw error;
      },
    );
  } finally {
    await owner.$executeRawUnsafe(`DROP TRIGGER refuse_write ON ${write.split(" ON ")[1]}`);
    await owner.$executeRawUnsafe(`DROP FUNCTION refuse_write()`);
  }
}
