/** A rotation's suffix; also the 14-digit (seconds) one of names rotated before milliseconds were added. */
const SUFFIX = /-r\d{14}(\d{3})?$/;
const MAX_NAME = 256;

/**
 * The name of the named value a rotation writes the new key to: the secret's base name (without
 * an earlier rotation's suffix) plus the rotation's UTC time to the millisecond, e.g. `aoai-key` →
 * `aoai-key-r20261204163000123`. Seconds were not enough: a rotation that finished and the next
 * one started within one second (as a fast test run does) got the name already in use.
 * A new name, not a new value under the old name: references move to it through plans, so the
 * old key keeps working until they have, and a roll back only has to move them back.
 */
export function rotatedName(current: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T.Z]/g, "");
  const suffix = `-r${stamp}`;
  const base = current.replace(SUFFIX, "").slice(0, MAX_NAME - suffix.length);
  return `${base}${suffix}`;
}
