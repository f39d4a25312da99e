/**
 * Strict XML 1.0 well-formedness for `format: "xml"`, delegated to saxes: a small, dependency-light
 * parser that follows the spec closely (it is what jsdom uses). The engine's own reader is
 * deliberately tolerant so it can read `rawxml`; saxes is the independent referee that makes sure
 * what we call `xml` is what APIM's XML parser will accept.
 */
import { SaxesParser } from "saxes";
import type { PolicyParseError } from "./policy-document";

export function checkWellFormed(text: string): PolicyParseError | undefined {
  const parser = new SaxesParser({ position: true });
  let first: PolicyParseError | undefined;
  parser.on("error", (error) => {
    // saxes reports "line:column: message" with the column of the next character, 0-based.
    first ??= {
      message: error.message.replace(/^\d+:\d+: /, ""),
      line: parser.line,
      column: parser.column + 1,
      offset: parser.position,
    };
  });
  parser.on("doctype", () => {
    first ??= { message: "DOCTYPE declarations are not allowed in a policy", line: parser.line, column: parser.column + 1, offset: parser.position };
  });
  parser.write(text).close();
  return first;
}
