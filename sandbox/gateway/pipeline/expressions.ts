import { UnsupportedInSandbox } from "./gateway-errors";

/**
 * A deliberately small evaluator of APIM policy expressions (`@(…)`): string and boolean
 * literals, `+` on strings, `==` `!=` `&&` `||` `!`, `??`, casts to string/bool/int,
 * ToString/ToLower/ToUpper, and the members of `context` listed in `ExpressionContext`. It
 * refuses everything else with UnsupportedInSandbox, so an expression it cannot evaluate
 * faithfully answers 500 instead of guessing. Multi-statement blocks (`@{…}`) are refused.
 */
export interface ExpressionContext {
  /** The call's id (a GUID), as `context.RequestId` shows it. */
  requestId: string;
  variables: Map<string, unknown>;
  requestHeader(name: string): string | undefined;
  request: { method: string; ipAddress: string; path: string; matchedParameters: Map<string, string> };
  api: { id: string; name: string };
  operation: { id: string; name: string } | null;
  subscription: { id: string; key: string; name: string } | null;
  product: { id: string; name: string } | null;
  /** The error on-error runs for (`context.LastError`); null elsewhere. */
  lastError: { source: string; reason: string; message: string; scope: string; section: string } | null;
}

type Token = { kind: "string" | "ident" | "number" | "op"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let text = "";
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === "\\") {
          const next = source[i + 1];
          text += next === "n" ? "\n" : next === "t" ? "\t" : (next ?? "");
          i += 2;
        } else text += source[i++];
      }
      if (source[i] !== '"') throw new UnsupportedInSandbox("an unterminated string literal");
      i++;
      tokens.push({ kind: "string", text });
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))![0];
      tokens.push({ kind: "ident", text: match });
      i += match.length;
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+/.exec(source.slice(i))![0];
      tokens.push({ kind: "number", text: match });
      i += match.length;
    } else {
      const two = source.slice(i, i + 2);
      if (["==", "!=", "&&", "||", "??", "?."].includes(two)) {
        tokens.push({ kind: "op", text: two });
        i += 2;
      } else if ("()[].,+!<>".includes(c)) {
        tokens.push({ kind: "op", text: c });
        i++;
      } else throw new UnsupportedInSandbox(`the character '${c}'`);
    }
  }
  return tokens;
}

/** Evaluates the text of `@(…)` (with or without the `@(` `)`). */
export function evaluateExpression(text: string, context: ExpressionContext): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("@{")) throw new UnsupportedInSandbox("multi-statement expressions (@{…})");
  const body = trimmed.startsWith("@(") && trimmed.endsWith(")") ? trimmed.slice(2, -1) : trimmed;
  const parser = new Parser(tokenize(body), context);
  const value = parser.expression();
  parser.end();
  return value;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly context: ExpressionContext,
  ) {}

  end(): void {
    if (this.position < this.tokens.length) throw new UnsupportedInSandbox(`'${this.tokens[this.position]!.text}'`);
  }

  expression(): unknown {
    return this.coalesce();
  }

  private peek(text?: string): Token | undefined {
    const token = this.tokens[this.position];
    return text === undefined || token?.text === text ? token : undefined;
  }

  private take(text: string): void {
    if (this.tokens[this.position]?.text !== text) throw new UnsupportedInSandbox(`expected '${text}'`);
    this.position++;
  }

  private coalesce(): unknown {
    const left = this.or();
    if (!this.peek("??")) return left;
    this.position++;
    const right = this.coalesce();
    return left ?? right;
  }

  private or(): unknown {
    let left = this.and();
    while (this.peek("||")) {
      this.position++;
      const right = this.and();
      left = bool(left) || bool(right);
    }
    return left;
  }

  private and(): unknown {
    let left = this.equality();
    while (this.peek("&&")) {
      this.position++;
      const right = this.equality();
      left = bool(left) && bool(right);
    }
    return left;
  }

  private equality(): unknown {
    let left = this.sum();
    for (let op = this.peek("==") ?? this.peek("!="); op; op = this.peek("==") ?? this.peek("!=")) {
      this.position++;
      const right = this.sum();
      left = op.text === "==" ? left === right : left !== right;
    }
    return left;
  }

  private sum(): unknown {
    let left = this.unary();
    while (this.peek("+")) {
      this.position++;
      const right = this.unary();
      if (typeof left !== "string" && typeof right !== "string")
        throw new UnsupportedInSandbox("'+' on values that are not strings");
      left = `${left === null || left === undefined ? "" : String(left)}${right === null || right === undefined ? "" : String(right)}`;
    }
    return left;
  }

  private unary(): unknown {
    if (this.peek("!")) {
      this.position++;
      return !bool(this.unary());
    }
    const cast = this.castType();
    if (cast !== undefined) {
      this.position += 3;
      return castTo(cast, this.unary());
    }
    return this.postfix();
  }

  /** `(string)`, `(bool)` or `(int)` ahead. */
  private castType(): string | undefined {
    const [open, type, close] = this.tokens.slice(this.position, this.position + 3);
    if (open?.text !== "(" || close?.text !== ")" || type?.kind !== "ident") return undefined;
    return ["string", "bool", "int"].includes(type.text) ? type.text : undefined;
  }

  private postfix(): unknown {
    let value = this.primary();
    let path = value === CONTEXT ? "context" : "";
    for (;;) {
      if (this.peek(".") || this.peek("?.")) {
        const nullSafe = this.peek("?.") !== undefined;
        this.position++;
        const name = this.tokens[this.position++];
        if (name?.kind !== "ident") throw new UnsupportedInSandbox("a member name");
        const generic = this.genericArgument();
        const args = this.peek("(") ? this.arguments() : undefined;
        if (nullSafe && (value === null || value === undefined)) {
          value = null;
          path = "";
          continue;
        }
        path = path === "" ? "" : `${path}.${name.text}`;
        value = this.member(path, value, name.text, generic, args);
      } else if (this.peek("[")) {
        this.position++;
        const key = this.expression();
        this.take("]");
        if (!(value instanceof Map) || typeof key !== "string") throw new UnsupportedInSandbox("an indexer");
        // C# throws KeyNotFoundException here: a runtime error, which APIM answers with 500 too.
        if (!value.has(key)) throw new UnsupportedInSandbox(`the key "${key}" (it is not present)`);
        value = value.get(key);
        path = "";
      } else return value;
    }
  }

  private genericArgument(): string | undefined {
    if (!this.peek("<")) return undefined;
    this.position++;
    const type = this.tokens[this.position++];
    this.take(">");
    return type?.text;
  }

  private arguments(): unknown[] {
    this.take("(");
    const values: unknown[] = [];
    while (!this.peek(")")) {
      values.push(this.expression());
      if (!this.peek(")")) this.take(",");
    }
    this.take(")");
    return values;
  }

  private primary(): unknown {
    const token = this.tokens[this.position++];
    if (token === undefined) throw new UnsupportedInSandbox("an empty expression");
    if (token.kind === "string") return token.text;
    if (token.kind === "number") return Number(token.text);
    if (token.text === "(") {
      const value = this.expression();
      this.take(")");
      return value;
    }
    if (token.text === "true" || token.text === "false") return token.text === "true";
    if (token.text === "null") return null;
    if (token.text === "context") return CONTEXT;
    throw new UnsupportedInSandbox(`'${token.text}'`);
  }

  /** The members of `context` the sandbox knows, by their path from `context`. */
  private member(path: string, target: unknown, name: string, generic: string | undefined, args?: unknown[]): unknown {
    const c = this.context;
    switch (path) {
      case "context.Variables":
        return c.variables;
      case "context.Variables.GetValueOrDefault": {
        const [key, fallback = null] = args ?? [];
        const value = typeof key === "string" && c.variables.has(key) ? c.variables.get(key) : fallback;
        return generic === undefined ? value : castTo(generic, value);
      }
      case "context.Variables.ContainsKey":
        return typeof args?.[0] === "string" && c.variables.has(args[0]);
      case "context.RequestId":
        return c.requestId;
      case "context.Request":
      case "context.Request.Headers":
        return CONTEXT;
      case "context.Request.MatchedParameters":
        return c.request.matchedParameters;
      case "context.Request.MatchedParameters.GetValueOrDefault": {
        const [key, fallback = null] = args ?? [];
        return (typeof key === "string" ? c.request.matchedParameters.get(key) : undefined) ?? fallback;
      }
      case "context.Request.Headers.GetValueOrDefault": {
        const [header, fallback = null] = args ?? [];
        return (typeof header === "string" ? c.requestHeader(header) : undefined) ?? fallback;
      }
      case "context.Request.Method":
        return c.request.method;
      case "context.Request.IpAddress":
        return c.request.ipAddress;
      case "context.Api":
        return CONTEXT;
      case "context.Api.Id":
        return c.api.id;
      case "context.Api.Name":
        return c.api.name;
      case "context.Operation":
      case "context.Subscription":
      case "context.Product": {
        const entity =
          path === "context.Operation" ? c.operation : path === "context.Subscription" ? c.subscription : c.product;
        return entity === null ? null : CONTEXT;
      }
      case "context.Operation.Id":
        return c.operation?.id ?? null;
      case "context.Operation.Name":
        return c.operation?.name ?? null;
      case "context.Subscription.Id":
        return c.subscription?.id ?? null;
      case "context.Subscription.Key":
        return c.subscription?.key ?? null;
      case "context.Subscription.Name":
        return c.subscription?.name ?? null;
      case "context.Product.Id":
        return c.product?.id ?? null;
      case "context.Product.Name":
        return c.product?.name ?? null;
      case "context.LastError":
        return c.lastError === null ? null : CONTEXT;
      case "context.LastError.Source":
      case "context.LastError.Reason":
      case "context.LastError.Message":
      case "context.LastError.Scope":
      case "context.LastError.Section": {
        const field = name.toLowerCase() as keyof NonNullable<ExpressionContext["lastError"]>;
        return c.lastError?.[field] ?? null;
      }
    }
    if (name === "ToString" && args?.length === 0 && target !== CONTEXT) return String(target);
    if (name === "ToLower" && typeof target === "string" && args?.length === 0) return target.toLowerCase();
    if (name === "ToUpper" && typeof target === "string" && args?.length === 0) return target.toUpperCase();
    throw new UnsupportedInSandbox(`'${path || name}'`);
  }
}

/** Stands for a `context` object (or one of its members) whose value is only read through members. */
const CONTEXT = Symbol("context");

function bool(value: unknown): boolean {
  if (typeof value !== "boolean") throw new UnsupportedInSandbox("a logical operator on a value that is not bool");
  return value;
}

function castTo(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return type === "string" ? null : value;
  if (type === "string" && typeof value === "string") return value;
  if (type === "bool" && typeof value === "boolean") return value;
  if (type === "int" && typeof value === "number") return value;
  // C# would throw an InvalidCastException: a runtime error APIM turns into a 500 too.
  throw new UnsupportedInSandbox(`a cast to ${type} of a ${typeof value}`);
}
