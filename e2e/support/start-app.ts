import { rmSync } from "node:fs";
import pg from "pg";
import { E2E_DATA_DIR, E2E_DATABASE } from "./e2e-env";

/**
 * Playwright's web server: a fresh PostgreSQL database and data directory, then `npm start`
 * exactly as a user runs it (sandbox mode). PostgreSQL rather than the embedded database
 * lets the tests reach into the sessions table to make a session expire or be revoked
 * without waiting hours; the embedded database is exercised by the integration suite.
 */
const admin = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const client = new pg.Client({ connectionString: admin });
await client.connect();
await client.query(`DROP DATABASE IF EXISTS ${E2E_DATABASE} WITH (FORCE)`);
await client.query(`CREATE DATABASE ${E2E_DATABASE}`);
await client.end();

rmSync(E2E_DATA_DIR, { recursive: true, force: true });
const url = new URL(admin);
url.pathname = `/${E2E_DATABASE}`;
process.env.DATABASE_URL = url.toString();
await import("../../scripts/start");
