/**
 * Whether a request is a server action posted from another site, by the rule Next.js applies
 * (action-handler.ts): a POST carrying an action id or a multipart form, whose Origin host is
 * not the request's host (X-Forwarded-Host first, then Host). Next.js refuses those by failing
 * with 500; proxy.ts finds them first so that they are answered 403 and audited. Returns the
 * offending Origin, or undefined. A request without Origin passes, as in Next.js: browsers send
 * one with every POST, and a hand-made request carries only the credentials its maker has.
 * next.config.ts sets no `serverActions.allowedOrigins`; one set there must be allowed here too.
 */
export function crossSiteActionOrigin(method: string, headers: Headers): string | undefined {
  if (method !== "POST") return undefined;
  const isAction = headers.has("next-action") || /^multipart\/form-data/i.test(headers.get("content-type") ?? "");
  const origin = headers.get("origin");
  if (!isAction || origin === null) return undefined;
  const originHost = origin === "null" || !URL.canParse(origin) ? origin : new URL(origin).host;
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  return originHost === host ? undefined : origin;
}
