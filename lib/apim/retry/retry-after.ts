/** Reads one header of a response, whatever its case. */
export type HeaderLookup = (name: string) => string | undefined;

/**
 * How long the server asked us to wait, in milliseconds, or undefined when it did not say.
 * ARM and Azure services use `retry-after-ms` and `x-ms-retry-after-ms` (milliseconds) and
 * `Retry-After` (RFC 9110: delay-seconds or an HTTP date). The millisecond headers win
 * because they are more precise; unparseable values are ignored rather than guessed at.
 */
export function parseRetryAfter(header: HeaderLookup, now: number = Date.now()): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = nonNegativeNumber(header(name));
    if (ms !== undefined) return Math.ceil(ms);
  }
  const retryAfter = header("retry-after")?.trim();
  if (retryAfter === undefined || retryAfter === "") return undefined;
  const seconds = nonNegativeNumber(retryAfter);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  // Only an HTTP date may remain; a bare number that failed above (e.g. "-1") is not one.
  if (/^[+-]?\d/.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function nonNegativeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}
