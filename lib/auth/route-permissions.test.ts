import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { operations } from "../rest/operations";
import { ROUTE_ACCESS } from "./route-permissions";

/**
 * Proves that nothing in app/ is reachable without an explicit access decision:
 * every page and route handler is listed in ROUTE_ACCESS, every non-public one calls its guard
 * with its own route key, and every server action calls guardAction before anything else.
 */
const APP_DIR = path.resolve(import.meta.dirname, "../../app");

interface EntryFile {
  file: string;
  kind: "page" | "route" | "actions";
  route: string;
}

function entryFiles(dir = APP_DIR): EntryFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): EntryFile[] => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entryFiles(full);
    const kind = /^page\.tsx?$/.test(entry.name)
      ? "page"
      : /^route\.ts$/.test(entry.name)
        ? "route"
        : isServerActionFile(full)
          ? "actions"
          : null;
    return kind ? [{ file: full, kind, route: routeOf(path.dirname(full)) }] : [];
  });
}

function routeOf(dir: string): string {
  const segments = path
    .relative(APP_DIR, dir)
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

function isServerActionFile(file: string): boolean {
  return /\.tsx?$/.test(file) && /^\s*["']use server["']/.test(readFileSync(file, "utf8"));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
}

/** Names of functions called anywhere under `node`, with their first string argument. */
function calls(node: ts.Node): Array<{ name: string; firstArg?: string }> {
  const found: Array<{ name: string; firstArg?: string }> = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
      const arg = n.arguments[0];
      found.push({ name: n.expression.text, firstArg: arg && ts.isStringLiteral(arg) ? arg.text : undefined });
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

const files = entryFiles();
const isRestOperation = (f: EntryFile) =>
  f.kind === "route" && f.route.startsWith("/api/v1/") && f.route !== "/api/v1/openapi.json";

/** `/apis/{id}/plans` as Next.js spells it: `/api/v1/apis/[id]/plans`. */
function nextRouteOf(openApiPath: string): string {
  return `/api/v1${openApiPath.replace(/\{(\w+)\}/g, "[$1]")}`;
}

describe("every route has a declared access and checks it", () => {
  it("finds the app's entry points", () => {
    expect(files.filter((f) => f.kind === "page").length).toBeGreaterThan(2);
  });

  it.each(files.filter((f) => f.kind !== "actions" && !isRestOperation(f)).map((f) => [f.route, f] as const))(
    "%s is declared in ROUTE_ACCESS",
    (_route, f) => {
      expect(Object.keys(ROUTE_ACCESS)).toContain(f.route);
    },
  );

  it.each(files.filter((f) => f.kind === "page").map((f) => [f.route, f] as const))(
    "page %s calls guardPage with its own route",
    (route, f) => {
      const access = ROUTE_ACCESS[route as keyof typeof ROUTE_ACCESS];
      const guards = calls(parse(f.file)).filter((c) => c.name === "guardPage");
      if (access === "public") expect(guards).toEqual([]);
      else expect(guards.map((g) => g.firstArg)).toEqual([route]);
    },
  );

  it.each(files.filter(isRestOperation).map((f) => [f.route, f] as const))(
    "REST route %s serves only declared operations of its path and method",
    (route, f) => {
      const source = parse(f.file);
      const exported = source.statements.filter(isExported).filter(ts.isVariableStatement);
      expect(exported.length).toBeGreaterThan(0);
      for (const statement of exported) {
        for (const declaration of statement.declarationList.declarations) {
          const method = declaration.name.getText();
          const init = declaration.initializer;
          expect(
            init && ts.isCallExpression(init) && init.expression.getText(),
            `${method} must be apiHandler(...)`,
          ).toBe("apiHandler");
          const opExpression = (init as ts.CallExpression).arguments[0]!.getText();
          const id = /^operations\.(\w+)$/.exec(opExpression)?.[1];
          const operation = id ? operations[id as keyof typeof operations] : undefined;
          expect(operation, `${method} uses ${opExpression}, which is not in lib/rest/operations.ts`).toBeDefined();
          expect({ method: operation!.method, route: nextRouteOf(operation!.path) }).toEqual({ method, route });
        }
      }
    },
  );

  it("has a route handler for every declared REST operation", () => {
    const routes = new Set(files.filter(isRestOperation).map((f) => f.route));
    expect(
      Object.values(operations)
        .map((o) => nextRouteOf(o.path))
        .filter((r) => !routes.has(r)),
    ).toEqual([]);
  });

  it.each(files.filter((f) => f.kind === "route" && !isRestOperation(f)).map((f) => [f.route, f] as const))(
    "route handler %s guards every method with its own route",
    (route, f) => {
      const access = ROUTE_ACCESS[route as keyof typeof ROUTE_ACCESS];
      const source = parse(f.file);
      const methods = source.statements
        .filter(isExported)
        .filter((s) => /\b(GET|POST|PUT|PATCH|DELETE)\b/.test(s.getText()));
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        const guards = calls(method).filter((c) => c.name === "apiRoute" || c.name === "guardRoute");
        if (access === "public") expect(guards).toEqual([]);
        else expect(guards.map((g) => g.firstArg)).toEqual([route]);
      }
    },
  );

  it.each(files.filter((f) => f.kind === "actions").map((f) => [path.relative(APP_DIR, f.file), f] as const))(
    "every server action in %s calls guardAction",
    (_name, f) => {
      const source = parse(f.file);
      const actions = source.statements.filter(
        (s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && isExported(s),
      );
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) {
        expect(
          calls(action).map((c) => c.name),
          `${action.name?.text} must call guardAction`,
        ).toContain("guardAction");
      }
    },
  );

  it("has no stale entries: every declared route exists", () => {
    const existing = new Set(files.filter((f) => !isRestOperation(f)).map((f) => f.route));
    expect(Object.keys(ROUTE_ACCESS).filter((route) => !existing.has(route))).toEqual([]);
  });
});
