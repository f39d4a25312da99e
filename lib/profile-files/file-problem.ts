/** One problem in one profile file: where (file, line, field path) and why. */
export interface FileProblem {
  file: string;
  /** 1-based line of the field (or of the nearest enclosing one that exists); null when unknown. */
  line: number | null;
  /** Field path as written, e.g. `profile.callerAuth.tenantId`; `(file)` for the file as a whole. */
  path: string;
  message: string;
}

/** `file:line: path: message`, the way compilers print it, for terminals and CI logs. */
export function formatFileProblem(problem: FileProblem): string {
  return `${problem.file}${problem.line === null ? "" : `:${problem.line}`}: ${problem.path}: ${problem.message}`;
}
