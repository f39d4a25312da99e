import { fork, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AppConfig } from "../lib/env";
import { AppError } from "../lib/errors";
import type { StartSandboxOptions } from "../sandbox/start-sandbox";
import { sandboxAppEnvironment, type SandboxCoordinates } from "../sandbox/sandbox-coordinates";
import { ensureSandboxTls } from "../sandbox/tls/ensure-sandbox-tls";

/**
 * Sandbox mode only: runs the sandbox in its own process (which trusts the sandbox CA from
 * its first instruction), registers the simulated APIM instance, and returns the environment
 * the web server needs: the sandbox's Entra-shaped coordinates, the CA to trust, and a
 * fingerprint key and an audit signing key kept in the data directory.
 */
export async function startSandboxHost(
  config: AppConfig,
  root: string,
  children: ChildProcess[],
  shutdown: (code: number) => never,
): Promise<Record<string, string>> {
  const tls = await ensureSandboxTls(path.join(config.dataDir, "sandbox", "tls"));
  const options: StartSandboxOptions = {
    dataDir: config.dataDir,
    appUrl: config.appUrl,
    identityPort: Number(process.env.SANDBOX_IDENTITY_PORT ?? config.port + 1),
    armPort: Number(process.env.SANDBOX_ARM_PORT ?? config.port + 2),
    gatewayPort: Number(process.env.SANDBOX_GATEWAY_PORT ?? config.port + 3),
    roleNames: config.roles,
  };
  const child = fork(path.join(root, "sandbox/serve.ts"), [], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caCertPath, PORTCULLIS_SANDBOX_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const coordinates = await new Promise<SandboxCoordinates>((resolve, reject) => {
    child.once("message", (message: { type: string; coordinates: SandboxCoordinates }) => resolve(message.coordinates));
    child.once("exit", (code) =>
      reject(
        new AppError(
          "config",
          `The sandbox could not start (exit code ${code}); is port ${options.identityPort}, ${options.armPort} or ${options.gatewayPort} in use? Set SANDBOX_IDENTITY_PORT / SANDBOX_ARM_PORT / SANDBOX_GATEWAY_PORT to change them.`,
        ),
      ),
    );
  });
  child.on("exit", (code) => {
    console.error(`The sandbox stopped (exit code ${code}); stopping Portcullis.`);
    shutdown(1);
  });

  await registerSandboxInstance(config, coordinates);
  console.log(
    `Sandbox ready: identity provider ${coordinates.authorityHost}, APIM simulator ${coordinates.armEndpoint}, gateway ${coordinates.gatewayUrl}; users, passwords and caller clients in ${path.join(config.dataDir, "sandbox.json")}`,
  );
  return {
    ...sandboxAppEnvironment(coordinates),
    APP_URL: config.appUrl,
    FINGERPRINT_KEY: config.fingerprintKey ?? sandboxFingerprintKey(config.dataDir),
    ...(config.audit.signingKey || config.audit.keyVaultKeyId
      ? {}
      : { AUDIT_SIGNING_KEY: sandboxAuditSigningKey(config.dataDir) }),
    NODE_EXTRA_CA_CERTS: tls.caCertPath,
  };
}

async function registerSandboxInstance(config: AppConfig, c: SandboxCoordinates): Promise<void> {
  // The use cases below read the configuration (first use parses the environment): the
  // simulator is an allowed ARM endpoint here as it is in the web server.
  process.env.SANDBOX_ARM_ENDPOINT = c.armEndpoint;
  const { openDatabase } = await import("../lib/db/open-database");
  const { setDb } = await import("../lib/db");
  const { listInstances } = await import("../lib/instances/list-instances");
  const { registerInstance } = await import("../lib/instances/register-instance");
  const { updateInstanceEndpoint } = await import("../lib/instances/update-instance-endpoint");
  const { systemContext } = await import("../lib/auth/system-context");
  const database = openDatabase(config.database);
  setDb(database);
  try {
    // The simulator's endpoint moves with PORT / SANDBOX_ARM_PORT; the service stays the same.
    const existing = (await listInstances(systemContext(), { limit: 200 })).items.find((i) => i.name === "sandbox");
    if (existing) {
      await updateInstanceEndpoint(systemContext(), { instanceId: existing.id, armEndpoint: c.armEndpoint });
      return;
    }
    await registerInstance(systemContext(), {
      name: "sandbox",
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      serviceName: c.serviceName,
      armEndpoint: c.armEndpoint,
      tier: "Developer",
    });
  } finally {
    setDb(undefined);
    // The embedded database allows one process at a time: release it for the web server.
    await database.close();
  }
}

/** The Ed25519 key that signs audit checkpoints in sandbox mode, kept beside the data it signs. */
function sandboxAuditSigningKey(dataDir: string): string {
  const file = path.join(dataDir, "sandbox", "audit-signing-key.pem");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  return readFileSync(file, "utf8");
}

function sandboxFingerprintKey(dataDir: string): string {
  const file = path.join(dataDir, "sandbox", "fingerprint.key");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString("base64"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}
