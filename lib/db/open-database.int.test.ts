import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createScratchPostgresDatabase,
  dropScratchPostgresDatabase,
  withAdmin,
} from "../../test/support/test-database";
import { log } from "../log";
import { postgresDatabase, type Database } from "./open-database";

describe.runIf(process.env.TEST_DB === "postgres")("the PostgreSQL connection pool", () => {
  let url: string;
  let database: Database;

  beforeAll(async () => {
    url = await createScratchPostgresDatabase();
    database = postgresDatabase(url, 2);
  });
  afterAll(async () => {
    await database.close();
    await dropScratchPostgresDatabase(url);
  });

  it("survives the server ending an idle connection, and the next query gets a new one", async () => {
    const warn = vi.spyOn(log, "warn");
    const [{ pid }] = await database.prisma.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;

    // The connection is idle in the pool now; end it from the server's side.
    await withAdmin((client) => client.query("SELECT pg_terminate_backend($1)", [pid]));

    // Without a listener the pool's "error" would be an uncaught exception and this never logs.
    await vi.waitFor(
      () =>
        expect(warn).toHaveBeenCalledWith(
          expect.objectContaining({ code: "57P01" }),
          "an idle database connection was closed by the server",
        ),
      { timeout: 10_000 },
    );
    const [{ next }] = await database.prisma.$queryRaw<[{ next: number }]>`SELECT pg_backend_pid() AS next`;
    expect(next).not.toBe(pid);
  });
});
