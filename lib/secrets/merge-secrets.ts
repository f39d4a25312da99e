import type { NamedValue } from "../apim";
import type { Secret } from "../db/generated/client";
import type { SecretView } from "./schemas";
import { externalSecretView, managedSecretView } from "./secret-view";

/**
 * One instance's secrets: every managed one (also when APIM lost it) and APIM's other secret
 * named values as external. APIM compares names case-insensitively, and so do we. `rotating`
 * names the named values a key rotation holds beside its secret (the new one before the apply,
 * the retired one until it is deleted): they belong to that secret, not outside Portcullis.
 * Sorted by `sortKey`, which is also the list's cursor.
 */
export function mergeSecrets(
  instanceId: string,
  rows: Secret[],
  live: NamedValue[],
  rotating: readonly string[] = [],
): SecretView[] {
  const liveById = new Map(live.map((namedValue) => [namedValue.name.toLowerCase(), namedValue]));
  const managedIds = new Set([...rows.map((row) => row.namedValueId), ...rotating].map((id) => id.toLowerCase()));
  const managed = rows.map((row) => managedSecretView(row, liveById.get(row.namedValueId.toLowerCase()) ?? null));
  const external = live
    .filter((namedValue) => namedValue.secret && !managedIds.has(namedValue.name.toLowerCase()))
    .map((namedValue) => externalSecretView(instanceId, namedValue));
  return [...managed, ...external].sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
}

/** A type, not an interface, so that it is a cursor (`Record<string, string>`). */
export type SecretSortKey = { name: string; id: string };

export function sortKey(view: SecretView): SecretSortKey {
  return { name: view.name.toLowerCase(), id: view.namedValueId };
}

export function compareKeys(a: SecretSortKey, b: SecretSortKey): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
