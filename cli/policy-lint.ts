import { lintPolicy } from "../lib/policy";
import { formatOption, InputError, positioned, readInputFile, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";

export const lintUsage = `Usage: portcullis policy lint POLICY.xml [--named-values a,b,c] [--tier consumption|dedicated] [--json] [--format xml|rawxml]

Checks a policy: caller validation without backend authentication or placed too late,
expressions where APIM refuses them, weakened token checks, http OpenID configuration,
unknown named values, broken Portcullis blocks, size limits. Exits 1 when any finding is an error.

  --named-values L  comma-separated named values that exist; others are reported
  --tier T          consumption (16 KiB limit) or dedicated (256 KiB)
  --json            print [{ code, severity, message, line, column }] as JSON
  --format F        xml or rawxml (default: xml when well-formed)
  --help            show this help
`;

export async function lintCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      json: { type: "boolean" },
      "named-values": { type: "string" },
      tier: { type: "string" },
      format: { type: "string" },
    },
    1,
  );
  const path = positionals[0] ?? "";
  const tier = values.tier;
  if (tier !== undefined && tier !== "consumption" && tier !== "dedicated")
    throw new InputError(`--tier must be consumption or dedicated, not '${tier}'`);
  const namedValues = values["named-values"]
    ?.split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const result = lintPolicy(await readInputFile(io, path, "policy"), {
    format: formatOption(values.format),
    namedValues,
    tier,
  });
  if (!result.ok) throw new InputError(positioned(path, result.error));
  if (values.json === true) io.stdout(`${JSON.stringify(result.findings, null, 2)}\n`);
  else
    io.stdout(
      result.findings
        .map(
          (finding) =>
            `${path}:${finding.line}:${finding.column}: ${finding.severity} ${finding.code}: ${finding.message}\n`,
        )
        .join(""),
    );
  return result.findings.some((finding) => finding.severity === "error") ? 1 : 0;
}
