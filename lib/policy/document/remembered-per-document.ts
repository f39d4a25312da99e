import type { PolicyDocument } from "./policy-document";

/**
 * `read`, remembering its results per parsed document and arguments. Planning reads the same
 * documents again and again — parsePolicyDocumentOnce gives the APIs of a change set or of an
 * apply of many APIs the same live and desired documents — and each reading (the block read back,
 * the lint, the references) cost more than the parse it starts from. Correct because a parsed
 * document is never changed once read (document-reader.ts builds it; every reader only reads) and
 * `read` is pure: the same document and equal arguments give an equal result.
 *
 * Arguments are compared with `sameArguments` (by default exactly: own keys, undefined values
 * and array order count) against a copy taken when the result was remembered, so a caller that
 * changes its arguments afterwards cannot make a remembered result answer for other arguments.
 * Results are frozen, deeply, so one caller cannot change what the next one is given (a caller
 * that needs to change one copies it). Up to `perDocument` argument sets are kept per document,
 * the oldest dropped first; a document's results go with the document (a WeakMap).
 */
export function rememberedPerDocument<Arguments, Result>(
  read: (document: PolicyDocument, args: Arguments) => Result,
  {
    perDocument = 4,
    sameArguments = sameValue,
  }: { perDocument?: number; sameArguments?: (a: Arguments, b: Arguments) => boolean } = {},
): (document: PolicyDocument, args: Arguments) => Result {
  const remembered = new WeakMap<PolicyDocument, Array<{ args: Arguments; result: Result }>>();
  return (document, args) => {
    let entries = remembered.get(document);
    const known = entries?.find((entry) => sameArguments(entry.args, args));
    if (known !== undefined) return known.result;
    const result = deepFreeze(read(document, args));
    if (entries === undefined) remembered.set(document, (entries = []));
    if (entries.length >= perDocument) entries.shift();
    entries.push({ args: structuredClone(args), result });
    return result;
  };
}

/** Whether `value` was frozen, with everything it holds, by deepFreeze (so it can never change). */
export function isDeeplyFrozen(value: object): boolean {
  return deeplyFrozen.has(value);
}

const deeplyFrozen = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || deeplyFrozen.has(value)) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  Object.freeze(value);
  deeplyFrozen.add(value);
  return value;
}

/** An array or a plain object: anything else (a Map, a Date) is equal only to itself. */
function isPlainData(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Array.prototype || prototype === Object.prototype || prototype === null;
}

/**
 * Exact equality of plain data (strings, numbers, booleans, null, undefined, arrays, plain
 * objects): the same own keys — one holding undefined differs from one absent — and equal values.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!isPlainData(a) || !isPlainData(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const keysOfA = Object.keys(a);
  if (keysOfA.length !== Object.keys(b).length) return false;
  return keysOfA.every(
    (key) =>
      Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
