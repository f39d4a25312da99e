import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Two suites: `unit` (pure logic, no I/O beyond temp files) and `integration`
// (real database, simulator, identity provider). The integration suite runs once per
// database engine; TEST_DB=pglite|postgres selects which (see scripts/test.ts).
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,sandbox,cli,scripts,app,components,test,bench}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
          // A timeout says a test hung, not that it was slow: property tests and ESLint runs take
          // seconds on a loaded 2-core machine, and a timing goal belongs in bench/, never here.
          testTimeout: 30_000,
          // Unit tests run first when both projects run in one command.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,sandbox,cli,scripts,app,test}/**/*.int.test.ts"],
          exclude: ["node_modules/**"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration files start servers and databases; two at a time fits 2 cores.
          maxWorkers: 2,
          // A throw-away CA trusted through NODE_EXTRA_CA_CERTS, which only child-process
          // workers pick up: keep pool "forks" (see test/setup/sandbox-tls.ts).
          pool: "forks",
          globalSetup: ["test/setup/sandbox-tls.ts", "test/setup/audit-signing-key.ts"],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
