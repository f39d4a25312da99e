import { isAppError } from "../lib/errors";

/**
 * Expected start-up failures (bad configuration, unreachable database, failed migration)
 * end the process with one clear message and no stack trace; anything else keeps its stack.
 */
export function exitWithStartupError(error: unknown): never {
  if (isAppError(error)) {
    console.error(`Portcullis cannot start: ${error.message}`);
  } else {
    console.error("Portcullis cannot start because of an unexpected error:", error);
  }
  process.exit(1);
}
