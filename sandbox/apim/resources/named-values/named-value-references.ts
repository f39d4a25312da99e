import type { ApimState } from "../../store/apim-state";
import { everyPolicy } from "../../store/policy-scopes";

/** Whether a named value with this display name exists (what `{{name}}` refers to). */
export function namedValueExists(state: ApimState, displayName: string): boolean {
  const wanted = displayName.toLowerCase();
  return state.namedValues.list().some((record) => record.displayName.toLowerCase() === wanted);
}

/**
 * Where named values are used: policies (at every scope) and backend credentials refer to them by display
 * name (`{{name}}`, compared case-insensitively like every APIM name).
 */
export function entitiesReferencing(state: ApimState, displayName: string): string[] {
  const wanted = displayName.toLowerCase();
  const uses = (refs: string[]) => refs.some((ref) => ref.toLowerCase() === wanted);
  return [
    ...everyPolicy(state)
      .filter(({ record }) => uses(record.namedValueRefs))
      .map(({ path }) => path),
    ...state.backends
      .list()
      .filter((backend) => uses(backend.namedValueRefs))
      .map((backend) => `/backends/${backend.name}`),
  ];
}

/**
 * Renaming a named value's display name rewrites the policies and backends that refer to
 * it (MS Learn "Use named values", quoted in 01-arm-rest-reference.md §2). Resolves once
 * the rewritten entities are on disk.
 */
export async function renameReferences(state: ApimState, from: string, to: string): Promise<void> {
  const pattern = new RegExp(`\\{\\{${escapeRegExp(from)}\\}\\}`, "gi");
  const replaceIn = (text: string) => text.replace(pattern, `{{${to}}}`);
  const refers = (refs: string[]) => refs.some((ref) => ref.toLowerCase() === from.toLowerCase());
  const rename = (refs: string[]) => refs.map((ref) => (ref.toLowerCase() === from.toLowerCase() ? to : ref));
  const writes: Promise<void>[] = [];
  for (const { record, collection } of everyPolicy(state).filter(({ record }) => refers(record.namedValueRefs))) {
    const { name, xml, rawxml, namedValueRefs, backendRefs } = record;
    writes.push(
      collection.save({
        name,
        xml: replaceIn(xml),
        rawxml: replaceIn(rawxml),
        namedValueRefs: rename(namedValueRefs),
        backendRefs,
      }).persisted,
    );
  }
  for (const { name, properties, managedIdentity, namedValueRefs } of state.backends
    .list()
    .filter((b) => refers(b.namedValueRefs))) {
    const renamed = JSON.parse(replaceIn(JSON.stringify(properties))) as Record<string, unknown>;
    writes.push(
      state.backends.save({ name, properties: renamed, managedIdentity, namedValueRefs: rename(namedValueRefs) })
        .persisted,
    );
  }
  await Promise.all(writes);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
