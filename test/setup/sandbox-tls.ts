import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureSandboxTls } from "../../sandbox/tls/ensure-sandbox-tls";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory of this run's test CA; `ensureSandboxTls(inject("sandboxTlsDir"))` reuses it. */
    sandboxTlsDir: string;
  }
}

/**
 * Global setup of the integration project: one throw-away CA per run, trusted by every test
 * worker, so integration tests talk real HTTPS to the sandbox servers exactly as the app does.
 *
 * Node reads NODE_EXTRA_CA_CERTS once, when a process starts. Setting it here works because
 * this runs in the main Vitest process before the pool starts its workers, and the workers
 * are child processes (pool "forks") that inherit this environment. Worker threads would
 * share the main process's already-built trust store and never see the CA.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), "portcullis-test-tls-"));
  const { caCertPath } = await ensureSandboxTls(dir);
  process.env.NODE_EXTRA_CA_CERTS = caCertPath;
  project.provide("sandboxTlsDir", dir);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
