/**
 * How the gateway stops a call. A `PolicyError` is one of APIM's predefined errors (source,
 * reason, message; api-management-error-handling-policies.md): the pipeline jumps to
 * `on-error` with the answer it prepared. `UnsupportedInSandbox` is the sandbox admitting
 * that it cannot run something (a statement, an expression): always a 500 naming it, never
 * a silent pass.
 */
export interface ErrorAnswer {
  status: number;
  headers?: Record<string, string>;
  message: string;
}

export class PolicyError extends Error {
  /** Where it was raised (`context.LastError.Scope` and `.Section`); unset for a built-in step. */
  where: { scope: string; section: string } | undefined;

  constructor(
    readonly source: string,
    readonly reason: string,
    readonly answer: ErrorAnswer,
  ) {
    super(answer.message);
  }
}

export class UnsupportedInSandbox extends Error {}
