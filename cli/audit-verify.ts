import { createReadStream } from "node:fs";
import type { JsonWebKey } from "node:crypto";
import { createInterface } from "node:readline";
import { verifyExport } from "../lib/audit/verify-export";
import { InputError, readJsonFile, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";

export const auditVerifyUsage = `Usage: portcullis audit verify EXPORT.ndjson --public-key KEYS.json [--json]

Verifies an NDJSON export of the audit history offline: every event's hash, the chain from the
first event to the export's end, and every signed checkpoint with the public keys (the JSON Web
Key Set served at GET /api/v1/audit/signing-key, or one JWK). Exits 0 when everything holds,
1 naming the first event or checkpoint that does not, 2 for bad input.

  --public-key F  JSON Web Key Set or JWK of the keys that sign checkpoints
  --json          print the whole verification as JSON
  --help          show this help
`;

export async function auditVerifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { "public-key": { type: "string" }, json: { type: "boolean" } },
    1,
  );
  if (values["public-key"] === undefined) throw new InputError("--public-key KEYS.json is required");
  const keys = publicKeys(await readJsonFile(io, values["public-key"], "public key"), values["public-key"]);
  const path = positionals[0]!;
  const result = await verifyExport(lines(path), keys).catch((error: unknown) => {
    throw new InputError(`${path}: ${(error as Error).message}`);
  });
  if (values.json === true) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return result.ok ? 0 : 1;
  }
  const { checkpoints } = result;
  if (result.firstBad) io.stdout(`${path}: event ${result.firstBad.seq} fails: ${result.firstBad.reason}\n`);
  if (checkpoints.firstBad)
    io.stdout(`${path}: checkpoint at event ${checkpoints.firstBad.seq} fails: ${checkpoints.firstBad.reason}\n`);
  io.stdout(
    `${path}: ${result.eventsChecked} events checked${result.filtered ? " (a filtered export: each event's hash, not the chain between them)" : ""}; ` +
      `${checkpoints.checked} checkpoints checked; proven by a signature up to event ${checkpoints.lastTrustworthySeq}` +
      `${checkpoints.lastSignedAt ? ` (signed ${checkpoints.lastSignedAt})` : ""}. ${result.ok ? "OK" : "NOT OK"}\n`,
  );
  return result.ok ? 0 : 1;
}

function publicKeys(value: unknown, path: string): JsonWebKey[] {
  const keys = (value as { keys?: unknown })?.keys ?? [value];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "object" && k !== null && "kty" in k && "kid" in k))
    throw new InputError(`${path} is not a JSON Web Key Set or a JWK with a kid`);
  return keys as JsonWebKey[];
}

/** The file line by line: an export of a million events is never read whole. */
async function* lines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("ready", () => resolve());
    stream.once("error", (error: NodeJS.ErrnoException) =>
      reject(new InputError(`cannot read export ${path}: ${error.code === "ENOENT" ? "no such file" : error.message}`)),
    );
  });
  await opened;
  yield* createInterface({ input: stream, crlfDelay: Infinity });
}
