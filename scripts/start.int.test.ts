import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `npm start` with bad configuration or an unreachable database stops before doing anything,
 * with one line naming the problem and no stack trace.
 */
const root = path.resolve(import.meta.dirname, "..");

function start(env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "scripts/start.ts")],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        DATA_DIR: mkdtempSync(path.join(tmpdir(), "portcullis-start-")),
        PORT: "3990",
        ...env,
      },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout };
}

describe("starting with a problem", () => {
  it("names the bad variable and exits 1", () => {
    const result = start({
      DATABASE_URL: "mysql://db/portcullis",
      AZURE_TENANT_ID: "11111111-1111-1111-1111-111111111111",
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^Portcullis cannot start: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(result.stderr).toContain("AZURE_CLIENT_ID is required because AZURE_TENANT_ID is set");
    expect(result.stderr.split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("says which database cannot be reached, without its password", () => {
    const result = start({ DATABASE_URL: "postgres://portcullis:hunter2@127.0.0.1:1/portcullis" });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^Portcullis cannot start: Cannot connect to the database at 127\.0\.0\.1:1\/portcullis \(DATABASE_URL\)/,
    );
    expect(result.stderr).not.toContain("hunter2");
    expect(result.stderr.split("\n")).toHaveLength(1);
  });
});
