import { operations } from "./operations";

/**
 * The methods each /api/v1 path answers, from the declared operations (route-permissions.test.ts
 * proves every route handler is one of them) plus the OpenAPI document. Next.js answers HEAD
 * for a GET and OPTIONS for every route handler itself.
 */
const routes = (() => {
  const byPath = new Map<string, Set<string>>([["/openapi.json", new Set(["GET"])]]);
  for (const { path, method } of Object.values(operations)) {
    byPath.set(path, (byPath.get(path) ?? new Set()).add(method));
  }
  return [...byPath].map(([path, methods]) => {
    if (methods.has("GET")) methods.add("HEAD");
    methods.add("OPTIONS");
    const pattern = path
      .split(/\{\w+\}/)
      .map(escapeRegExp)
      .join("[^/]+");
    return { pattern: new RegExp(`^${pattern}$`), methods: [...methods].sort() };
  });
})();

/** The methods of the route at `path` (under /api/v1, e.g. `/apis/3f…/plans`); undefined when none has it. */
export function restRouteMethods(path: string): string[] | undefined {
  return routes.find((route) => route.pattern.test(path))?.methods;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
