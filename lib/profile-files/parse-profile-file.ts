import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { formatPath } from "../validation";
import type { FileProblem } from "./file-problem";
import {
  API_FILE_KIND,
  ENVIRONMENT_FILE_KIND,
  apiProfileFileSchema,
  environmentFileSchema,
  type ApiProfileFile,
  type EnvironmentFile,
} from "./profile-file-schemas";

/** `line(path)`: the line of a field (or of its nearest enclosing one), for problems found later. */
export type ProfileFile =
  | { kind: "api"; file: string; content: ApiProfileFile; line: FieldLine }
  | { kind: "environment"; file: string; content: EnvironmentFile; line: FieldLine };

type FieldLine = (path: readonly PropertyKey[]) => number | null;

export type ProfileFileParse = { ok: true; parsed: ProfileFile } | { ok: false; problems: FileProblem[] };

/**
 * Parses one YAML profile file (an API's access profile or an environment's variables) and
 * checks it, reporting every problem with its line and field path. YAML that is not plain data
 * (aliases, custom tags, duplicate keys) is refused rather than interpreted.
 */
export function parseProfileFile(file: string, text: string): ProfileFileParse {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, strict: true });
  const syntax = [...document.errors, ...document.warnings].map((error) => ({
    file,
    line: error.linePos?.[0].line ?? null,
    path: "(file)",
    message: error.message.split("\n")[0] ?? error.message,
  }));
  if (syntax.length > 0) return { ok: false, problems: syntax };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 0 });
  } catch {
    return { ok: false, problems: [{ file, line: null, path: "(file)", message: "must not use YAML aliases" }] };
  }
  const kind = typeof data === "object" && data !== null ? (data as { kind?: unknown }).kind : undefined;
  if (kind === API_FILE_KIND) return checked(file, document, lines, apiProfileFileSchema, data, "api");
  if (kind === ENVIRONMENT_FILE_KIND) return checked(file, document, lines, environmentFileSchema, data, "environment");
  return {
    ok: false,
    problems: [
      {
        file,
        line: lineOf(document, lines, ["kind"]),
        path: "kind",
        message: `must be ${API_FILE_KIND} or ${ENVIRONMENT_FILE_KIND}`,
      },
    ],
  };
}

function checked<S extends z.ZodType>(
  file: string,
  document: Document,
  lines: LineCounter,
  schema: S,
  data: unknown,
  kind: ProfileFile["kind"],
): ProfileFileParse {
  const result = schema.safeParse(data);
  if (result.success) {
    const line: FieldLine = (path) => lineOf(document, lines, path);
    return { ok: true, parsed: { kind, file, content: result.data, line } as ProfileFile };
  }
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      file,
      line: lineOf(document, lines, issue.path),
      path: formatPath(issue.path, "(file)"),
      message: issue.message,
    })),
  };
}

/** The line of the node at `path`, or of its nearest ancestor that exists (a missing field). */
function lineOf(document: Document, lines: LineCounter, path: readonly PropertyKey[]): number | null {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = document.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return null;
}
