import { defineConfig } from "@playwright/test";
import { E2E_DATA_DIR, E2E_PORT } from "./e2e/support/e2e-env";

/**
 * Browser (e2e/ui) and REST (e2e/api) tests against the real app started the way a user
 * starts it (`npm start`, sandbox mode), on its own port and a fresh data directory.
 * Chromium is Debian's (/usr/bin/chromium); Playwright's own browser download is not used.
 */

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "test-results/report.json" }]],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    // The sandbox identity provider's certificate is issued by the sandbox's own CA, which
    // this browser profile does not know; the app itself verifies it.
    ignoreHTTPSErrors: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "ui", testDir: "e2e/ui" },
    { name: "api", testDir: "e2e/api" },
  ],
  webServer: {
    command: "node node_modules/tsx/dist/cli.mjs e2e/support/start-app.ts",
    url: `http://localhost:${E2E_PORT}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    // No scheduled drift scans: they would read the simulator behind the tests' backs.
    env: { PORT: String(E2E_PORT), DATA_DIR: E2E_DATA_DIR, SESSION_IDLE_MINUTES: "30", DRIFT_SCAN_MINUTES: "off" },
  },
});
