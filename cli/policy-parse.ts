import { readAccessProfile, type BackendEntityProperties, type PolicyReading } from "../lib/policy";
import { formatOption, InputError, positioned, readInputFile, readJsonFile, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";

export const parseUsage = `Usage: portcullis policy parse POLICY.xml [--json] [--backend FILE] [--format xml|rawxml]

Reads the access profile a policy holds: from the Portcullis block, or adopted from a
hand-written <inbound>. Lists what it could not determine and the authentication statements
it found but does not manage.

  --json           print { "profile", "undetermined", "unmanaged", "source", "format" } as JSON
  --backend FILE   the ARM backend entity (JSON) the policy selects, to complete backend delivery
  --format F       xml or rawxml (default: xml when well-formed)
  --help           show this help
`;

export async function parseCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { json: { type: "boolean" }, backend: { type: "string" }, format: { type: "string" } },
    1,
  );
  const path = positionals[0] ?? "";
  const text = await readInputFile(io, path, "policy");
  const format = formatOption(values.format);
  let result = readAccessProfile(text, { format });
  if (!result.ok) throw new InputError(positioned(path, result.error));
  if (values.backend !== undefined) {
    const entity = (await readJsonFile(io, values.backend, "backend")) as {
      properties?: BackendEntityProperties;
    } & BackendEntityProperties;
    const backendId = result.reading.undetermined.find((field) => field.backendId !== undefined)?.backendId;
    if (backendId === undefined)
      throw new InputError(`--backend was given but ${path} selects no backend whose entity is needed`);
    result = readAccessProfile(text, { format, backends: { [backendId]: entity.properties ?? entity } });
    if (!result.ok) throw new InputError(positioned(path, result.error));
  }
  const reading = result.reading;
  io.stdout(values.json === true ? `${JSON.stringify(asJson(reading), null, 2)}\n` : asText(reading));
  return 0;
}

function asJson(reading: PolicyReading) {
  return {
    profile: reading.profile,
    undetermined: reading.undetermined,
    unmanaged: reading.unmanaged,
    source: reading.source,
    format: reading.format,
  };
}

function asText(reading: PolicyReading): string {
  const lines = [`source: ${reading.source} (${reading.format})`];
  lines.push(`callerAuth: ${reading.callerAuth === null ? "(undetermined)" : JSON.stringify(reading.callerAuth)}`);
  lines.push(`backendAuth: ${reading.backendAuth === null ? "(undetermined)" : JSON.stringify(reading.backendAuth)}`);
  for (const field of reading.undetermined) lines.push(`undetermined ${field.path}: ${field.reason}`);
  for (const statement of reading.unmanaged)
    lines.push(`unmanaged line ${statement.line} <${statement.element}> in ${statement.section}: ${statement.reason}`);
  return `${lines.join("\n")}\n`;
}
