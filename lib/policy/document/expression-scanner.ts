/**
 * Finds where an APIM policy expression ends in `rawxml` text, where the C# inside `@(…)` or
 * `@{…}` may hold raw `<`, `&&` and the very quote that delimits the attribute around it.
 * It balances brackets and skips everything that may hold an unbalanced bracket or quote:
 * string literals (regular, verbatim `@"…"`, interpolated `$"…{hole}…"` and `$@"…"`), char
 * literals and comments. It does not check that the C# is valid; APIM compiles it later.
 */

export type ExpressionScan = { ok: true; end: number } | { ok: false; offset: number; message: string };

const CLOSER: Record<string, string> = { "(": ")", "{": "}", "[": "]" };

class UnclosedError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** True when an expression starts at `at` (`@(` or `@{`). */
export function startsExpression(text: string, at: number): boolean {
  return text.charCodeAt(at) === 64 /* @ */ && (text[at + 1] === "(" || text[at + 1] === "{");
}

/** Scans the expression starting with `@` at `at`; on success `end` is the offset after its closing bracket. */
export function scanExpression(text: string, at: number): ExpressionScan {
  const open = text[at + 1];
  const closer = open === undefined ? undefined : CLOSER[open];
  if (closer === undefined || text[at] !== "@") {
    return { ok: false, offset: at, message: "an expression starts with @( or @{" };
  }
  try {
    return { ok: true, end: scanBalanced(text, at + 2, closer, at + 1) };
  } catch (error) {
    if (error instanceof UnclosedError) return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
}

/** Scans until `closer` at depth zero and returns the offset after it. */
function scanBalanced(text: string, from: number, closer: string, openedAt: number): number {
  const expected = [closer];
  const openedAtStack = [openedAt];
  let i = from;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "(" || c === "{" || c === "[") {
      expected.push(CLOSER[c] ?? "");
      openedAtStack.push(i);
      i++;
    } else if (c === ")" || c === "}" || c === "]") {
      if (c !== expected[expected.length - 1]) {
        throw new UnclosedError(
          i,
          `unbalanced '${c}' in policy expression (expected '${expected[expected.length - 1]}')`,
        );
      }
      expected.pop();
      openedAtStack.pop();
      i++;
      if (expected.length === 0) return i;
    } else if (c === '"') {
      i = scanRegularString(text, i + 1, false);
    } else if (c === "'") {
      i = scanCharLiteral(text, i);
    } else if (c === "@" && next === '"') {
      i = scanVerbatimString(text, i + 2, false);
    } else if (c === "$" && next === '"') {
      i = scanRegularString(text, i + 2, true);
    } else if (
      (c === "$" && next === "@" && text[i + 2] === '"') ||
      (c === "@" && next === "$" && text[i + 2] === '"')
    ) {
      i = scanVerbatimString(text, i + 3, true);
    } else if (c === "/" && next === "/") {
      i = skipLineComment(text, i + 2);
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) throw new UnclosedError(i, "comment /* in policy expression is not closed");
      i = end + 2;
    } else {
      i++;
    }
  }
  const openOffset = openedAtStack[openedAtStack.length - 1] ?? openedAt;
  throw new UnclosedError(openOffset, `policy expression bracket '${text[openOffset]}' is not closed`);
}

/** From just after the opening quote of `"…"` or `$"…"`; returns the offset after the closing quote. */
function scanRegularString(text: string, from: number, interpolated: boolean): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else if (interpolated && c === "{") i = text[i + 1] === "{" ? i + 2 : scanBalanced(text, i + 1, "}", i);
    else i++;
  }
  throw new UnclosedError(from - 1, "string literal in policy expression is not closed");
}

/** From just after the opening quote of `@"…"` or `$@"…"`, where `""` is a quote. */
function scanVerbatimString(text: string, from: number, interpolated: boolean): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      if (text[i + 1] !== '"') return i + 1;
      i += 2;
    } else if (interpolated && c === "{") i = text[i + 1] === "{" ? i + 2 : scanBalanced(text, i + 1, "}", i);
    else i++;
  }
  throw new UnclosedError(from - 1, "verbatim string literal in policy expression is not closed");
}

/** A char literal ('x', '\n', '\''); an apostrophe that does not open one is skipped as itself. */
function scanCharLiteral(text: string, at: number): number {
  const length = text[at + 1] === "\\" ? 2 : 1;
  if (text[at + 1 + length] === "'") return at + 2 + length;
  // Unicode escapes such as '\u0041' are longer; find the close on the same short stretch.
  if (text[at + 1] === "\\") {
    const close = text.indexOf("'", at + 2);
    if (close > 0 && close - at <= 12) return close + 1;
  }
  return at + 1;
}

function skipLineComment(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  return i;
}
