/**
 * A minimal browser for tests: keeps cookies, does not follow redirects by itself, and can
 * fill in the sandbox sign-in form. Lets integration tests run the real authorization-code
 * flow end to end without Chromium.
 */
export interface CookieBrowser {
  /** GET, or POST of an urlencoded form when `form` is given; never follows redirects. */
  request(url: string, form?: Record<string, string>): Promise<Response>;
}

export function createCookieBrowser(): CookieBrowser {
  const jar = new Map<string, string>();
  return {
    async request(url, form) {
      const response = await fetch(url, {
        method: form ? "POST" : "GET",
        body: form ? new URLSearchParams(form) : undefined,
        redirect: "manual",
        headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; ") },
      });
      for (const header of response.headers.getSetCookie()) {
        const pair = header.split(";")[0] ?? "";
        const equals = pair.indexOf("=");
        const name = pair.slice(0, equals).trim();
        const value = pair.slice(equals + 1).trim();
        // Servers delete a cookie by setting it empty (and expired).
        if (value === "") jar.delete(name);
        else jar.set(name, value);
      }
      return response;
    },
  };
}

const MAX_HOPS = 10;

/**
 * Opens `authorizationUrl`, signs in through the form and follows the provider's redirects
 * until one leads to `redirectUri`; returns that callback's query (`code` and `state`, or
 * `error`). Throws with the page's text when the flow stops anywhere else.
 */
export async function signInThroughForm(
  authorizationUrl: string,
  credentials: { username: string; password: string },
  redirectUri: string,
  browser: CookieBrowser = createCookieBrowser(),
): Promise<URLSearchParams> {
  let url = authorizationUrl;
  let form: Record<string, string> | undefined;
  let submitted = false;
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const response = await browser.request(url, form);
    form = undefined;
    const location = response.headers.get("location");
    if (location) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return next.searchParams;
      url = next.href;
      continue;
    }
    const html = await response.text();
    if (response.status === 200 && !submitted && html.includes('name="password"')) {
      form = { username: credentials.username, password: credentials.password, action: "sign-in" };
      submitted = true;
      continue;
    }
    const text = html
      .replace(/<style>[\s\S]*?<\/style>/, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    throw new Error(`sign-in stopped at ${url} with HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
  throw new Error(`sign-in did not reach ${redirectUri} within ${MAX_HOPS} redirects`);
}
