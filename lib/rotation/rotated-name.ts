/**
 * The name of the named value a rotation writes the new key to: the secret's base name (without
 * an earlier rotation's suffix) plus the rotation's UTC time, e.g. `aoai-key` → `aoai-key-r20261204163000`.
 * A new name, not a new value under the old name: references move to it through plans, so the
 * old key keeps working until they have, and a roll back only has to move them back.
 */
const SUFFIX = /-r\d{14}$/;
const MAX_NAME = 256;

export function rotatedName(current: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, "")
    .replace(/[-:T]/g, "");
  const suffix = `-r${stamp}`;
  const base = current.replace(SUFFIX, "").slice(0, MAX_NAME - suffix.length);
  return `${base}${suffix}`;
}
