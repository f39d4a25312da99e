import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { E2E_DATA_DIR, E2E_PORT } from "./e2e-env";

/** Runs bin/portcullis.mjs in its own process as the sandbox's automation client (no AZURE_* set). */
export function portcullis(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: path.resolve(E2E_DATA_DIR),
    PORTCULLIS_URL: `http://localhost:${E2E_PORT}`,
  };
  for (const name of Object.keys(env)) if (name.startsWith("AZURE_")) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve("bin/portcullis.mjs"), ...args], { env, cwd: tmpdir() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
