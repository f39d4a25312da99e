import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "./cli-io";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs in strict mode, with its errors turned into one-line input errors. */
export function parseCommandArgs<T extends Options>(args: string[], options: T, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new InputError(withoutTokens((error as Error).message.split("\n")[0] ?? "invalid arguments"));
  }
  if (parsed.positionals.length !== positionals) {
    throw new InputError(
      positionals === 1
        ? "expected exactly one POLICY.xml"
        : withoutTokens(`unexpected argument '${parsed.positionals[0]}'`),
    );
  }
  return parsed;
}

// A JWT given where an option was expected must not end up in an error message (terminals, CI logs).
const JWT_LIKE = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

function withoutTokens(message: string): string {
  return message.replace(JWT_LIKE, "(a token, not shown)");
}
