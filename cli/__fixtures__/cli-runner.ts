/** Test helpers: the real `bin/portcullis.mjs` spawned the way `npx portcullis` runs it, and files for it to read. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/portcullis.mjs", import.meta.url));

/**
 * A test that spawns the CLI waits this long: each spawn compiles the CLI's TypeScript through
 * tsx first, several seconds on a loaded machine, where the unit default of 30 s ran out (load ~30).
 */
export const spawnedCliTimeoutMs = 120_000;

export function spawnCli(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: tmpdir() });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes files into a fresh temporary folder. */
export function fileWriter(prefix: string): (name: string, content: string) => string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  return (name, content) => {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
  };
}
