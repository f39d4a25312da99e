/** One field that differs between two profile versions; lists of plain values are compared as a whole. */
export interface ProfileChange {
  path: string;
  before: string | null;
  after: string | null;
}

/**
 * What changed from one access profile version to the next, field by field in JSON-path form
 * (`callerAuth.audiences`, `callerAuth.requiredClaims[0].values`). Pure, so the history can
 * be computed wherever the versions are.
 */
export function profileChanges(before: unknown, after: unknown): ProfileChange[] {
  const old = leaves(before);
  const next = leaves(after);
  const paths = [...new Set([...old.keys(), ...next.keys()])];
  return paths.flatMap((path) => {
    const a = old.get(path) ?? null;
    const b = next.get(path) ?? null;
    return a === b ? [] : [{ path, before: a, after: b }];
  });
}

function leaves(value: unknown, path = "", out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) {
    out.set(path, value.length === 0 ? "(none)" : value.join(", "));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => leaves(item, `${path}[${index}]`, out));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) leaves(item, path ? `${path}.${key}` : key, out);
  } else if (value !== undefined && value !== null) {
    out.set(path, String(value));
  }
  return out;
}
