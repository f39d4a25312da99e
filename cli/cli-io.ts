/** What a command may touch: its output streams and the files it is given. Tests spawn the real process instead. */
import { readFile } from "node:fs/promises";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, "utf8"),
};

/** Bad input (exit code 2): the message is printed as one line naming the problem. */
export class InputError extends Error {}

export async function readInputFile(io: CliIo, path: string, what: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `cannot read ${what} ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message}`,
    );
  }
}

export async function readJsonFile(io: CliIo, path: string, what: string): Promise<unknown> {
  const text = await readInputFile(io, path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} ${path} is not JSON: ${(error as Error).message}`);
  }
}

/** One line: the first problem's position and message. */
export function positioned(path: string, problem: { message: string; line?: number; column?: number }): string {
  return problem.line === undefined
    ? `${path}: ${problem.message}`
    : `${path}:${problem.line}:${problem.column ?? 1}: ${problem.message}`;
}

export function formatOption(value: string | undefined): "xml" | "rawxml" | undefined {
  if (value === undefined || value === "xml" || value === "rawxml") return value;
  throw new InputError(`--format must be xml or rawxml, not '${value}'`);
}
