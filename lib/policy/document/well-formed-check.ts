/**
 * Strict XML 1.0 well-formedness for `format: "xml"`, delegated to saxes: a small, dependency-light
 * parser that follows the spec closely (it is what jsdom uses). The engine's own reader is
 * deliberately tolerant so it can read `rawxml`; saxes is the independent referee that makes sure
 * what we call `xml` is what APIM's XML parser will accept.
 */
import { SaxesParser } from "saxes";
import type { PolicyParseError } from "./policy-document";

/** Thrown from the handlers to stop at the first error: saxes would otherwise go on (and a rawxml document has hundreds). */
class FirstError extends Error {
  constructor(readonly error: PolicyParseError) {
    super(error.message);
  }
}

export function checkWellFormed(text: string): PolicyParseError | undefined {
  const parser = new SaxesParser({ position: true });
  // saxes reports "line:column: message" with the column of the next character, 0-based.
  const stop = (message: string) => {
    throw new FirstError({ message, line: parser.line, column: parser.column + 1, offset: parser.position });
  };
  parser.on("error", (error) => stop(error.message.replace(/^\d+:\d+: /, "")));
  parser.on("doctype", () => stop("DOCTYPE declarations are not allowed in a policy"));
  try {
    parser.write(text).close();
    return undefined;
  } catch (error) {
    if (error instanceof FirstError) return error.error;
    throw error;
  }
}
