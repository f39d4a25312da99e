import type { JWK } from "jose";

/**
 * OpenID configurations and their key sets, fetched and cached as APIM documents for
 * validate-jwt's `openid-config`: "Configuration including the JSON Web Key Set (JWKS) is
 * pulled from the endpoint every 1 hour and cached. If the token being validated references
 * a validation key (using `kid` claim) that is missing in cached configuration, or if
 * retrieval fails, API Management pulls from the endpoint at most once per 5 min."
 */
export interface OpenIdConfiguration {
  issuer: string | undefined;
  keys: JWK[];
}

interface Entry {
  configuration: OpenIdConfiguration | undefined;
  fetchedAt: number;
  lastAttemptAt: number;
}

export const REFRESH_MS = 60 * 60 * 1000;
export const RETRY_MS = 5 * 60 * 1000;

export class OpenIdConfigurations {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<void>>();
  /** How many times a configuration was fetched (for tests and the benchmark). */
  fetches = 0;

  constructor(
    private readonly fetchJson: (url: string) => Promise<unknown> = defaultFetchJson,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached configuration, fetched when absent or older than an hour (failures retried every 5 min). */
  async get(url: string): Promise<OpenIdConfiguration | undefined> {
    const entry = this.entries.get(url);
    const now = this.now();
    const stale = entry === undefined || now - entry.fetchedAt >= REFRESH_MS;
    if (stale && (entry === undefined || now - entry.lastAttemptAt >= RETRY_MS)) await this.fetch(url);
    return this.entries.get(url)?.configuration;
  }

  /** For a `kid` missing from the cache: fetches again unless the last attempt was under 5 min ago. */
  async refreshForUnknownKey(url: string): Promise<OpenIdConfiguration | undefined> {
    const entry = this.entries.get(url);
    if (entry === undefined || this.now() - entry.lastAttemptAt >= RETRY_MS) await this.fetch(url);
    return this.entries.get(url)?.configuration;
  }

  private fetch(url: string): Promise<void> {
    // Concurrent calls share one fetch rather than each pulling the endpoint.
    const running = this.pending.get(url);
    if (running) return running;
    const attempt = this.load(url).finally(() => this.pending.delete(url));
    this.pending.set(url, attempt);
    return attempt;
  }

  private async load(url: string): Promise<void> {
    const previous = this.entries.get(url);
    const attemptAt = this.now();
    this.fetches++;
    try {
      const discovery = (await this.fetchJson(url)) as { issuer?: unknown; jwks_uri?: unknown };
      if (typeof discovery.jwks_uri !== "string") throw new Error("no jwks_uri");
      const jwks = (await this.fetchJson(discovery.jwks_uri)) as { keys?: unknown };
      if (!Array.isArray(jwks.keys)) throw new Error("no keys");
      const configuration = {
        issuer: typeof discovery.issuer === "string" ? discovery.issuer : undefined,
        keys: jwks.keys as JWK[],
      };
      this.entries.set(url, { configuration, fetchedAt: attemptAt, lastAttemptAt: attemptAt });
    } catch {
      // A failed refresh keeps what was cached; the next attempt waits 5 minutes.
      this.entries.set(url, {
        configuration: previous?.configuration,
        fetchedAt: previous?.fetchedAt ?? -Infinity,
        lastAttemptAt: attemptAt,
      });
    }
  }
}

async function defaultFetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}
