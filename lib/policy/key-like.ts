/**
 * Whether a value looks like a key, a client secret or a token rather than an identifier: a
 * variable holding one would be stored, shown to every reader, audited and exported to Git in
 * plain text. Identifiers (GUIDs, URLs, names such as `chat-completions-prod` or
 * `ContosoChatApp2024`) pass; what is refused: a long base64 or hex run (API and subscription
 * keys), Entra client secrets (`abc8Q~…`), JWTs, keys with a well-known prefix, and any long
 * token whose characters look random (upper case, lower case and digits, high entropy, the kind
 * of character changing at most places). A heuristic: it errs towards letting names through. Pure.
 */

/** A long run of base64 characters with no separator (a key in base64 or hex). */
const BASE64_RUN = /^[A-Za-z0-9+/]{32,}={0,2}$/;
/** Entra ID client secrets: three characters, a digit, a letter, `~`, then the rest. */
const ENTRA_SECRET = /^[A-Za-z0-9_.~-]{3}\d[A-Za-z]~[A-Za-z0-9_.~-]{30,}$/;
const JWT = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** OpenAI, webhook signing secrets, GitHub and Slack tokens, AWS access keys. */
const KNOWN_PREFIX =
  /^(sk-[A-Za-z0-9_-]{20,}|whsec_[A-Za-z0-9+/=]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})$/;
/** One token of the characters secrets are written in. */
const TOKEN = /^[A-Za-z0-9+/=_.~-]{24,}$/;

export function looksLikeKey(value: string): boolean {
  if (BASE64_RUN.test(value)) return /[0-9]/.test(value) && /[A-Za-z]/.test(value);
  if (ENTRA_SECRET.test(value) || JWT.test(value) || KNOWN_PREFIX.test(value)) return true;
  return TOKEN.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value) && looksRandom(value);
}

/** At least 4.3 bits per character and the kind of character changing at half the places or more. */
function looksRandom(value: string): boolean {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) entropy -= (count / value.length) * Math.log2(count / value.length);
  const kind = (character: string) =>
    /[A-Z]/.test(character) ? 0 : /[a-z]/.test(character) ? 1 : /[0-9]/.test(character) ? 2 : 3;
  let changes = 0;
  for (let index = 1; index < value.length; index += 1)
    if (kind(value[index]!) !== kind(value[index - 1]!)) changes += 1;
  return entropy >= 4.3 && changes / (value.length - 1) >= 0.5;
}
