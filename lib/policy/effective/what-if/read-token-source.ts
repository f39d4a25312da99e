/**
 * What a token validation finds where it reads the token. The what-if request carries the token
 * where each validation reads it — in `Authorization` as `Bearer <token>`, in another header or a
 * query parameter as the token alone — unless a statement that ran before changed that header.
 */
import { describeStatement, type TokenSource } from "../effective-pipeline";
import { resolve } from "../policy-value";
import type { RequestState } from "./request-state";

export type SeenToken =
  | { kind: "token"; header: string | null }
  | { kind: "absent"; reason: string }
  /** Something that is not the caller's token, and cannot be a valid one. */
  | { kind: "not-a-token"; reason: string }
  | { kind: "unknown"; reason: string };

export function readTokenSource(
  source: TokenSource | null,
  state: RequestState,
  namedValues: ReadonlyMap<string, string>,
): SeenToken {
  if (source === null)
    return {
      kind: "unknown",
      reason: "the statement names no single token source (header-name, query-parameter-name or token-value)",
    };
  if (source.kind === "token-value")
    return { kind: "unknown", reason: "the token comes from token-value, which the engine does not evaluate" };
  const name = resolve(source.name, namedValues);
  if (!name.ok)
    return {
      kind: "unknown",
      reason: `the token's ${source.kind === "header" ? "header" : "query parameter"} name is unknown: ${name.reason}`,
    };
  if (source.kind === "query") return { kind: "token", header: null };
  const header = name.value.toLowerCase();
  const changed = state.headers[header];
  if (changed === undefined) {
    if (state.anyHeader !== null)
      return {
        kind: "unknown",
        reason: `${describeStatement(state.anyHeader)} sets a header whose name is computed, which may be ${name.value}`,
      };
    return { kind: "token", header };
  }
  const by = describeStatement(changed.by);
  switch (changed.kind) {
    case "deleted":
      return { kind: "absent", reason: `${by} removed the ${name.value} header` };
    case "basic":
      return { kind: "not-a-token", reason: `${by} replaced the ${name.value} header with basic credentials` };
    case "managed-identity":
      return {
        kind: "unknown",
        reason: `${by} replaced the ${name.value} header with APIM's own managed identity token`,
      };
    case "changed":
      return { kind: "unknown", reason: `${by} changed the ${name.value} header (${changed.how})` };
    case "set":
      return {
        kind: "unknown",
        reason: `${by} replaced the ${name.value} header: the validation checks that value, not the caller's token`,
      };
  }
}
