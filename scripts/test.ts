import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { failedPlaywrightTests, failedVitestTests } from "./failed-tests";
import { generatePrismaClient } from "./generate-prisma-client";

/**
 * `npm test`: everything CI checks, in one command, ending with one line `N passed, N failed`.
 * Lint, type check and the production build count as one check each; every Vitest and
 * Playwright test counts individually. All stages run even when one fails, so one run shows
 * everything that is wrong (the browser tests need a successful build and are skipped without).
 */
const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, ".ci/out");
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

interface Tally {
  passed: number;
  failed: number;
}
const total: Tally = { passed: 0, failed: 0 };
const failures: string[] = [];
const failedTests: string[] = [];

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const bin = (name: string) => path.join(root, "node_modules/.bin", name);

async function check(name: string, command: string, args: string[]): Promise<boolean> {
  banner(name);
  const ok = (await run(command, args)) === 0;
  record(name, ok ? 1 : 0, ok ? 0 : 1);
  return ok;
}

async function vitest(name: string, project: string, env: Record<string, string> = {}): Promise<void> {
  banner(name);
  const report = path.join(out, `${name.replace(/\W+/g, "-")}.json`);
  rmSync(report, { force: true });
  const code = await run(
    bin("vitest"),
    ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    env,
  );
  if (!existsSync(report)) return record(name, 0, 1);
  const result = JSON.parse(readFileSync(report, "utf8")) as Parameters<typeof failedVitestTests>[0] & {
    numPassedTests: number;
    numFailedTests: number;
    numFailedTestSuites: number;
  };
  failedTests.push(...failedVitestTests(result, root).map((test) => `${name}: ${test}`));
  // A file that fails to load has no tests but is a failure all the same.
  const failed =
    result.numFailedTests + (result.numFailedTests === 0 && code !== 0 ? Math.max(1, result.numFailedTestSuites) : 0);
  record(name, result.numPassedTests, failed);
}

async function playwright(name: string): Promise<void> {
  banner(name);
  const report = path.join(out, "playwright.json");
  rmSync(report, { force: true });
  const code = await run(bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  if (!existsSync(report)) return record(name, 0, 1);
  const result = JSON.parse(readFileSync(report, "utf8")) as Parameters<typeof failedPlaywrightTests>[0] & {
    stats: { expected: number; unexpected: number; flaky: number };
  };
  const stats = result.stats;
  failedTests.push(...failedPlaywrightTests(result).map((test) => `${name}: ${test}`));
  const failed = stats.unexpected + (stats.unexpected === 0 && code !== 0 ? 1 : 0);
  record(name, stats.expected + stats.flaky, failed);
}

function record(name: string, passed: number, failed: number): void {
  total.passed += passed;
  total.failed += failed;
  if (failed > 0) failures.push(`${name}: ${failed} failed`);
}

function banner(name: string): void {
  console.log(`\n=== ${name} ===`);
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    console.error(
      `PostgreSQL is not reachable at TEST_DATABASE_URL (${new URL(TEST_DATABASE_URL).host}): ${(error as Error).message}`,
    );
    return false;
  }
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  generatePrismaClient();
  await check("lint", bin("eslint"), ["."]);
  await check("formatting", bin("prettier"), ["--check", "."]);
  await check("type check", bin("tsc"), ["--noEmit", "-p", "."]);
  await vitest("unit", "unit");
  await vitest("integration (PGlite)", "integration", { TEST_DB: "pglite" });
  if (await postgresReachable())
    await vitest("integration (PostgreSQL)", "integration", { TEST_DB: "postgres", TEST_DATABASE_URL });
  else record("integration (PostgreSQL)", 0, 1);
  const built = await check("production build", bin("next"), ["build"]);
  if (built) await playwright("browser and API tests");
  else record("browser and API tests (not run: the build failed)", 0, 1);

  console.log("");
  for (const test of failedTests) console.log(`FAILED TEST ${test}`);
  for (const failure of failures) console.log(`FAILED ${failure}`);
  console.log(`${total.passed} passed, ${total.failed} failed`);
  process.exit(total.failed === 0 ? 0 : 1);
}

await main();
