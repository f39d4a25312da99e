import { fieldError } from "./apim-errors";

/**
 * Collection paging as APIM does it (recordings/azure-sdk-for-js__recording_backend_list_test.json):
 * `$top` is the page size, `$skip` the offset, `count` the total, and `nextLink` repeats the
 * request's query with `$skip` advanced, percent-encoded (`%24skip`). The last page has no
 * `nextLink`.
 */
export interface PageRequest {
  top: number;
  skip: number;
}

export interface Collection<T> {
  value: T[];
  count: number;
  nextLink?: string;
}

export function parsePageRequest(query: URLSearchParams, defaultPageSize: number): PageRequest {
  return {
    top: parseCount(query.get("$top"), "$top", 1) ?? defaultPageSize,
    skip: parseCount(query.get("$skip"), "$skip", 0) ?? 0,
  };
}

/** `requestUrl` is the URL the client called, `publicOrigin` the simulator's ARM endpoint. */
export function toCollection<T>(
  items: readonly T[],
  page: PageRequest,
  requestUrl: URL,
  publicOrigin: string,
): Collection<T> {
  const end = page.skip + page.top;
  const collection: Collection<T> = { value: items.slice(page.skip, end), count: items.length };
  if (end < items.length) collection.nextLink = nextLink(requestUrl, publicOrigin, end);
  return collection;
}

function nextLink(requestUrl: URL, publicOrigin: string, nextSkip: number): string {
  const query = new URLSearchParams(requestUrl.search);
  query.delete("$skip");
  query.append("$skip", String(nextSkip));
  return `${publicOrigin}${requestUrl.pathname}?${query.toString()}`;
}

function parseCount(raw: string | null, name: string, minimum: number): number | undefined {
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    // Invented wording: no recording of APIM rejecting a bad $top/$skip was found.
    throw fieldError(name, `'${raw}' is not a valid value for ${name}; expected an integer of at least ${minimum}.`);
  }
  return value;
}
