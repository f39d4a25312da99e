import { mergePolicy, renderPolicy } from "../lib/policy";
import { formatOption, InputError, positioned, readInputFile, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";
import { readProfileFile } from "./profile-file";

export const renderUsage = `Usage: portcullis policy render --profile FILE [--into POLICY.xml [--adopt]] [--format xml|rawxml]

Writes the API policy for an access profile to stdout. With --into, writes POLICY.xml with the
profile's statements merged in: only the Portcullis block changes, everything else stays as it is.

  --profile FILE   access profile JSON (see lib/policy/profile-schema.ts)
  --into FILE      existing policy to merge into
  --adopt          take over a hand-written --into (no Portcullis block yet): also remove the
                   statements \`policy parse\` read its profile from (lib/policy/README.md)
  --format F       how to read --into: xml or rawxml (default: xml when well-formed)
  --help           show this help
`;

export async function renderCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { profile: { type: "string" }, into: { type: "string" }, adopt: { type: "boolean" }, format: { type: "string" } },
    0,
  );
  if (values.profile === undefined) throw new InputError("--profile FILE is required");
  const profile = await readProfileFile(io, values.profile);
  if (values.into === undefined) {
    if (values.adopt === true)
      throw new InputError("--adopt needs --into POLICY.xml: it takes over statements of an existing policy");
    io.stdout(renderPolicy(profile));
    return 0;
  }
  const existing = await readInputFile(io, values.into, "policy");
  const merged = mergePolicy(existing, profile, {
    format: formatOption(values.format),
    adopt: values.adopt === true,
  });
  if (!merged.ok) throw new InputError(positioned(values.into, merged.error));
  io.stdout(merged.text);
  return 0;
}
