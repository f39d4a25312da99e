/**
 * The portcullis command line: `portcullis policy render|parse|lint|effective|check-token`.
 * Exit codes: 0 success, 1 lint found errors, a blocking effective-access finding or a token that
 * is not allowed, 2 bad input (unreadable file, invalid profile, not XML, bad arguments, a
 * malformed token) with one line on stderr naming the problem. `plan` and `apply` have their own,
 * for pipelines (plan.ts, apply.ts): 0 nothing to change / applied, 2 changes planned, 1 any error.
 */
import { auditVerifyCommand, auditVerifyUsage } from "./audit-verify";
import { InputError, processIo, type CliIo } from "./cli-io";
import { applyCommand, applyUsage } from "./apply";
import { exportCommand, exportUsage } from "./export";
import { planCommand, planUsage } from "./plan";
import { checkTokenCommand, checkTokenUsage } from "./policy-check-token";
import { effectiveCommand, effectiveUsage } from "./policy-effective";
import { lintCommand, lintUsage } from "./policy-lint";
import { parseCommand, parseUsage } from "./policy-parse";
import { renderCommand, renderUsage } from "./policy-render";

const usage = `Usage: portcullis policy|audit <command> [options], or portcullis export|plan|apply [options]

Commands:
  policy render        write the policy for an access profile, or merge it into an existing policy
  policy parse         read the access profile a policy holds
  policy lint          check a policy for unsafe or invalid access settings
  policy effective     the statements one call runs across all policy scopes, and what undoes a profile
  policy check-token   what the policies would decide for a token (its signature is not checked)

  audit verify         verify an NDJSON export of the audit history offline, with its signed checkpoints

  export               write an instance's access profiles and its environment's variables as YAML files (for Git)
  plan                 plan a directory of those files as one change set; Markdown summary (exit 0 none, 2 changes, 1 error)
  apply                apply a change set (approvals still apply), or --dir: plan the directory and apply it; --wait follows it

Run 'portcullis policy <command> --help' (or 'portcullis audit verify --help') for a command's options.
`;

const policyUsage = usage.replace(
  "Usage: portcullis policy|audit <command> [options], or portcullis export|plan|apply [options]",
  "Usage: portcullis policy render|parse|lint|effective|check-token [options]",
);

const commands: Record<string, { usage: string; run: (args: string[], io: CliIo) => Promise<number> }> = {
  render: { usage: renderUsage, run: renderCommand },
  parse: { usage: parseUsage, run: parseCommand },
  lint: { usage: lintUsage, run: lintCommand },
  effective: { usage: effectiveUsage, run: effectiveCommand },
  "check-token": { usage: checkTokenUsage, run: checkTokenCommand },
};

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [group, name, ...args] = argv;
  if (group === undefined || group === "--help" || group === "-h") {
    io.stdout(usage);
    return group === undefined ? 2 : 0;
  }
  if (group === "export") return runCommand(io, { usage: exportUsage, run: exportCommand }, "export", argv.slice(1));
  if (group === "plan") return runCommand(io, { usage: planUsage, run: planCommand }, "plan", argv.slice(1));
  if (group === "apply") return runCommand(io, { usage: applyUsage, run: applyCommand }, "apply", argv.slice(1));
  if (group === "audit")
    return runCommand(io, name === "verify" ? auditVerify : undefined, `audit ${name ?? ""}`.trim(), args);
  if (group !== "policy") return fail(io, `unknown command '${group}'; try 'portcullis --help'`);
  if (name === undefined || name === "--help" || name === "-h") {
    io.stdout(policyUsage);
    return name === undefined ? 2 : 0;
  }
  return runCommand(io, commands[name], `policy ${name}`, args, "portcullis policy --help");
}

const auditVerify = { usage: auditVerifyUsage, run: auditVerifyCommand };

async function runCommand(
  io: CliIo,
  command: (typeof commands)[string] | undefined,
  name: string,
  args: string[],
  help = "portcullis --help",
) {
  if (command === undefined) return fail(io, `unknown command '${name}'; try '${help}'`);
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof InputError) return fail(io, error.message);
    throw error;
  }
}

function fail(io: CliIo, message: string): number {
  io.stderr(`portcullis: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  return 2;
}
