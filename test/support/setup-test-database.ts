import { afterAll, beforeAll } from "vitest";
import { setDb } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "./test-database";

/**
 * Gives a test file its own migrated database (engine from TEST_DB) and installs it as the
 * application's database for the use cases under test.
 */
export function setupTestDatabase(): { readonly current: TestDatabase } {
  const holder: { current?: TestDatabase } = {};
  beforeAll(async () => {
    holder.current = await createTestDatabase();
    setDb({ prisma: holder.current.prisma, close: () => holder.current!.close() });
  });
  afterAll(async () => {
    setDb(undefined);
    await holder.current?.close();
  });
  return {
    get current() {
      if (!holder.current) throw new Error("the test database is created in beforeAll");
      return holder.current;
    },
  };
}
