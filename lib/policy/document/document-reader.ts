/**
 * Reads policy text into the document model with exact offsets. One reader serves both
 * formats: for `xml` it lexes plain XML; for `rawxml` it additionally lets an expression that
 * starts an attribute value or appears in text run to its balanced end, so the raw C# inside
 * may contain `<`, `&&` and quotes. Strict well-formedness of `xml` is checked separately.
 */
import { scanExpression, startsExpression } from "./expression-scanner";
import type {
  PolicyAttribute,
  PolicyDocument,
  PolicyElement,
  PolicyFormat,
  PolicyNode,
  PolicyParseResult,
} from "./policy-document";
import { createPositionLookup, type PositionLookup } from "./source-position";
import { decodeXmlValue } from "./xml-entities";

const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9._:\u00B7\u00C0-\uFFFF]*/y;
const LEADING_EXPRESSION = /^[ \t\r\n]*@[({]/;

class ReadError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function readPolicyDocument(text: string, format: PolicyFormat): PolicyParseResult {
  const positionAt = createPositionLookup(text);
  try {
    return { ok: true, document: new DocumentReader(text, format, positionAt).read() };
  } catch (error) {
    if (!(error instanceof ReadError)) throw error;
    const { line, column } = positionAt(error.offset);
    return { ok: false, error: { message: error.message, line, column, offset: error.offset } };
  }
}

class DocumentReader {
  private i = 0;
  private readonly open: PolicyElement[] = [];
  private readonly topLevel: PolicyNode[] = [];
  private root: PolicyElement | undefined;

  constructor(
    private readonly text: string,
    private readonly format: PolicyFormat,
    private readonly positionAt: PositionLookup,
  ) {}

  read(): PolicyDocument {
    if (this.text.charCodeAt(0) === 0xfeff) this.i = 1;
    while (this.i < this.text.length) {
      if (this.text[this.i] === "<") this.readMarkup();
      else this.readText();
    }
    const unclosed = this.open[this.open.length - 1];
    if (unclosed !== undefined) {
      throw new ReadError(unclosed.start.offset, `element <${unclosed.name}> is not closed`);
    }
    if (this.root === undefined) throw new ReadError(this.text.length, "the document has no root element");
    return { format: this.format, text: this.text, root: this.root, nodes: this.topLevel };
  }

  private append(node: PolicyNode): void {
    const parent = this.open[this.open.length - 1];
    if (parent !== undefined) parent.children.push(node);
    else this.topLevel.push(node);
  }

  private readMarkup(): void {
    const { text, i } = this;
    if (text.startsWith("<!--", i)) this.readComment();
    else if (text.startsWith("<![CDATA[", i)) this.readCData();
    else if (text.startsWith("<!", i))
      throw new ReadError(i, "DOCTYPE and other declarations are not allowed in a policy");
    else if (text.startsWith("<?", i)) this.readInstruction();
    else if (text.startsWith("</", i)) this.readEndTag();
    else this.readStartTag();
  }

  private readComment(): void {
    const start = this.i;
    const close = this.text.indexOf("-->", start + 4);
    if (close < 0) throw new ReadError(start, "comment is not closed with -->");
    this.i = close + 3;
    this.append({
      kind: "comment",
      value: this.text.slice(start + 4, close),
      start: this.positionAt(start),
      end: this.i,
    });
  }

  private readCData(): void {
    const start = this.i;
    if (this.open.length === 0) throw new ReadError(start, "CDATA is only allowed inside an element");
    const close = this.text.indexOf("]]>", start + 9);
    if (close < 0) throw new ReadError(start, "CDATA section is not closed with ]]>");
    this.i = close + 3;
    this.append({
      kind: "cdata",
      value: this.text.slice(start + 9, close),
      start: this.positionAt(start),
      end: this.i,
    });
  }

  private readInstruction(): void {
    const start = this.i;
    const close = this.text.indexOf("?>", start + 2);
    if (close < 0) throw new ReadError(start, "processing instruction is not closed with ?>");
    this.i = start + 2;
    const target = this.readName("processing instruction");
    this.i = close + 2;
    const data = this.text.slice(start + 2 + target.length, close).trim();
    this.append({ kind: "processing-instruction", target, data, start: this.positionAt(start), end: this.i });
  }

  private readEndTag(): void {
    const start = this.i;
    this.i += 2;
    const name = this.readName("end tag");
    this.skipWhitespace();
    if (this.text[this.i] !== ">") throw new ReadError(this.i, `end tag </${name}> is missing '>'`);
    this.i++;
    const element = this.open.pop();
    if (element === undefined) throw new ReadError(start, `end tag </${name}> has no matching start tag`);
    if (element.name !== name) {
      throw new ReadError(start, `end tag </${name}> does not match <${element.name}> on line ${element.start.line}`);
    }
    element.contentEnd = start;
    element.end = this.i;
  }

  private readStartTag(): void {
    const start = this.i;
    if (this.open.length === 0 && this.root !== undefined) {
      throw new ReadError(start, `a policy has one root element; <${this.root.name}> is already closed`);
    }
    this.i++;
    const name = this.readName("element");
    const attributes: PolicyAttribute[] = [];
    for (;;) {
      const hadSpace = this.skipWhitespace();
      const c = this.text[this.i];
      if (c === undefined) throw new ReadError(start, `start tag <${name}> is not closed`);
      if (c === ">" || (c === "/" && this.text[this.i + 1] === ">")) break;
      if (!hadSpace) throw new ReadError(this.i, `expected whitespace before the next attribute of <${name}>`);
      const attribute = this.readAttribute(name);
      if (attributes.some((existing) => existing.name === attribute.name)) {
        throw new ReadError(attribute.start.offset, `attribute '${attribute.name}' appears twice on <${name}>`);
      }
      attributes.push(attribute);
    }
    const selfClosing = this.text[this.i] === "/";
    this.i += selfClosing ? 2 : 1;
    const element: PolicyElement = {
      kind: "element",
      name,
      attributes,
      children: [],
      selfClosing,
      start: this.positionAt(start),
      end: this.i,
      contentStart: this.i,
      contentEnd: this.i,
    };
    this.append(element);
    if (this.open.length === 0) this.root = element;
    if (!selfClosing) this.open.push(element);
  }

  private readAttribute(elementName: string): PolicyAttribute {
    const start = this.i;
    const name = this.readName(`attribute of <${elementName}>`);
    this.skipWhitespace();
    if (this.text[this.i] !== "=")
      throw new ReadError(this.i, `attribute '${name}' of <${elementName}> needs '=' and a value`);
    this.i++;
    this.skipWhitespace();
    const quote = this.text[this.i];
    if (quote !== '"' && quote !== "'") throw new ReadError(this.i, `value of attribute '${name}' must be quoted`);
    const valueStart = this.i + 1;
    const expressionAt = this.format === "rawxml" ? this.leadingExpressionAt(valueStart) : -1;
    const searchFrom =
      expressionAt < 0 ? valueStart : this.expressionEnd(expressionAt, `attribute '${name}' of <${elementName}>`);
    const valueEnd = this.text.indexOf(quote, searchFrom);
    if (valueEnd < 0) throw new ReadError(start, `value of attribute '${name}' is not closed with ${quote}`);
    const raw = this.text.slice(valueStart, valueEnd);
    this.i = valueEnd + 1;
    if (expressionAt >= 0) {
      return { name, value: raw, isExpression: true, quote, start: this.positionAt(start), valueStart, valueEnd };
    }
    const lessThan = raw.indexOf("<");
    if (lessThan >= 0)
      throw new ReadError(valueStart + lessThan, `'<' is not allowed in the value of attribute '${name}' (write &lt;)`);
    const decoded = decodeXmlValue(raw, "attribute");
    if (!decoded.ok) throw new ReadError(valueStart + decoded.index, decoded.message);
    const isExpression = LEADING_EXPRESSION.test(decoded.value);
    return { name, value: decoded.value, isExpression, quote, start: this.positionAt(start), valueStart, valueEnd };
  }

  /** In `rawxml`, text may hold expressions whose raw C# contains `<`; they run to their balanced end. */
  private readText(): void {
    const start = this.i;
    let end = start;
    let holdsExpression = false;
    for (;;) {
      const lessThan = this.text.indexOf("<", end);
      const stop = lessThan < 0 ? this.text.length : lessThan;
      const at = this.format === "rawxml" ? this.text.indexOf("@", end) : -1;
      if (at >= 0 && at < stop && startsExpression(this.text, at)) {
        end = this.expressionEnd(at, `text of <${this.open[this.open.length - 1]?.name ?? "document"}>`);
        holdsExpression = true;
        continue;
      }
      if (at >= 0 && at < stop) {
        end = at + 1;
        continue;
      }
      end = stop;
      break;
    }
    this.i = end;
    const raw = this.text.slice(start, end);
    if (this.open.length === 0) {
      const stray = raw.search(/[^ \t\r\n]/);
      if (stray >= 0) throw new ReadError(start + stray, "text is not allowed outside the root element");
      this.append({ kind: "text", value: raw, isExpression: false, start: this.positionAt(start), end });
      return;
    }
    const isExpression = LEADING_EXPRESSION.test(raw);
    const value = this.textValue(raw, start, holdsExpression);
    this.append({ kind: "text", value, isExpression, start: this.positionAt(start), end });
  }

  /** Raw C# is not XML-escaped, so text that holds a `rawxml` expression is kept as written. */
  private textValue(raw: string, start: number, holdsExpression: boolean): string {
    if (holdsExpression) return raw.replace(/\r\n?/g, "\n");
    const decoded = decodeXmlValue(raw, "text");
    if (!decoded.ok) throw new ReadError(start + decoded.index, decoded.message);
    return decoded.value;
  }

  private leadingExpressionAt(from: number): number {
    let i = from;
    while (this.text[i] === " " || this.text[i] === "\t" || this.text[i] === "\r" || this.text[i] === "\n") i++;
    return startsExpression(this.text, i) ? i : -1;
  }

  private expressionEnd(at: number, where: string): number {
    const scan = scanExpression(this.text, at);
    if (!scan.ok) throw new ReadError(scan.offset, `expression in the ${where}: ${scan.message}`);
    return scan.end;
  }

  private readName(what: string): string {
    NAME.lastIndex = this.i;
    const match = NAME.exec(this.text);
    if (match === null) throw new ReadError(this.i, `expected a name for the ${what}`);
    this.i += match[0].length;
    return match[0];
  }

  private skipWhitespace(): boolean {
    const start = this.i;
    while (this.i < this.text.length) {
      const c = this.text[this.i];
      if (c !== " " && c !== "\t" && c !== "\r" && c !== "\n") break;
      this.i++;
    }
    return this.i > start;
  }
}
