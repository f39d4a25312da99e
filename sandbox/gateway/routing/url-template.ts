/**
 * Matching of an operation's URL template (OperationContract `urlTemplate`, e.g.
 * `/deployments/{deployment-id}/chat/completions?api-version={api-version}`) against the
 * path below the API and the request's query:
 * - path segments compare case-insensitively; a `{name}` stands for one non-empty run of
 *   characters other than `/` (also inside a segment, as in `/files/{name}.{ext}`); a last
 *   segment `{*name}` for the rest of the path, possibly empty;
 * - each `name={value}` of the template's query must be present in the request, each
 *   `name=literal` present with that value (see sandbox/gateway/README.md: the sandbox's
 *   reading of templated query parameters);
 * - slashes at the start and end do not count.
 * Answers how many literal parts matched (a more literal template wins over a more general
 * one), or undefined when the template does not match.
 */
export function matchUrlTemplate(
  template: string,
  rest: string,
  query: URLSearchParams,
): { literals: number; parameters: Record<string, string> } | undefined {
  const [pathTemplate = "", queryTemplate = ""] = template.split("?", 2);
  const wanted = segmentsOf(pathTemplate);
  const actual = segmentsOf(rest);
  const parameters: Record<string, string> = {};
  let literals = 0;

  for (let index = 0; index < wanted.length; index++) {
    const part = wanted[index]!;
    const catchAll = /^\{\*([^{}]+)\}$/.exec(part);
    if (catchAll) {
      if (index !== wanted.length - 1) return undefined;
      parameters[catchAll[1]!] = actual.slice(index).join("/");
      return matchQuery(queryTemplate, query, parameters, literals);
    }
    const segment = actual[index];
    if (segment === undefined) return undefined;
    const matched = matchSegment(part, segment);
    if (matched === undefined) return undefined;
    Object.assign(parameters, matched.parameters);
    literals += matched.literal ? 1 : 0;
  }
  if (wanted.length !== actual.length) return undefined;
  return matchQuery(queryTemplate, query, parameters, literals);
}

function segmentsOf(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? [] : trimmed.split("/");
}

/** One path segment against its template: literal text and `{name}` placeholders. */
function matchSegment(
  part: string,
  segment: string,
): { literal: boolean; parameters: Record<string, string> } | undefined {
  const names: string[] = [];
  const pattern = part.replace(/\{([^{}]+)\}|([^{}]+)/g, (_, name: string | undefined, text: string | undefined) => {
    if (name !== undefined) {
      names.push(name);
      return "([^/]+?)";
    }
    return escapeRegExp(text ?? "");
  });
  const match = new RegExp(`^${pattern}$`, "i").exec(segment);
  if (!match) return undefined;
  const parameters: Record<string, string> = {};
  names.forEach((name, index) => (parameters[name] = decoded(match[index + 1]!)));
  return { literal: names.length === 0, parameters };
}

function matchQuery(
  queryTemplate: string,
  query: URLSearchParams,
  parameters: Record<string, string>,
  literals: number,
): { literals: number; parameters: Record<string, string> } | undefined {
  let count = literals;
  for (const pair of queryTemplate.split("&").filter((text) => text !== "")) {
    const [name = "", value = ""] = pair.split("=", 2);
    const present = query.get(name);
    if (present === null) return undefined;
    const placeholder = /^\{([^{}]+)\}$/.exec(value);
    if (placeholder) {
      parameters[placeholder[1]!] = present;
    } else {
      if (present !== value) return undefined;
      count++;
    }
  }
  return { literals: count, parameters };
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
