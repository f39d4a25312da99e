import { chmodSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startSandbox, type StartSandboxOptions } from "./start-sandbox";

/**
 * The sandbox host process: started by `npm start` in sandbox mode with NODE_EXTRA_CA_CERTS
 * set to the sandbox CA. Writes `.data/sandbox.json` (readable by the owner only: it holds
 * the sandbox users' passwords and client secrets) and reports the coordinates to the parent.
 */
const options = JSON.parse(process.env.PORTCULLIS_SANDBOX_OPTIONS ?? "{}") as StartSandboxOptions;
const sandbox = await startSandbox(options);

const file = path.join(options.dataDir, "sandbox.json");
writeFileSync(`${file}.tmp`, `${JSON.stringify(sandbox.coordinates, null, 2)}\n`, { mode: 0o600 });
chmodSync(`${file}.tmp`, 0o600);
renameSync(`${file}.tmp`, file);

process.send?.({ type: "ready", coordinates: sandbox.coordinates });

const stop = () => {
  void sandbox.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
