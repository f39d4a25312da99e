/**
 * The gateway's cache of managed identity tokens: "API Management caches the token until it
 * expires" (authentication-managed-identity). A token is reused until five minutes before it
 * expires, so one handed to a backend never lapses on the way.
 */
export type ManagedIdentityTokenSource = (request: {
  principalId: string;
  clientId: string;
  resourceId: string;
  resource: string;
}) => Promise<{ token: string; expiresOn: number }>;

const MARGIN_MS = 5 * 60 * 1000;

export class ManagedIdentityTokens {
  private readonly cache = new Map<string, Promise<{ token: string; expiresOn: number }>>();
  /** How many tokens were requested from the identity provider (for tests and the benchmark). */
  requests = 0;

  constructor(
    private readonly source: ManagedIdentityTokenSource,
    private readonly now: () => number = Date.now,
  ) {}

  async token(request: Parameters<ManagedIdentityTokenSource>[0]): Promise<string> {
    const key = `${request.clientId}\n${request.resource}`;
    const cached = this.cache.get(key);
    if (cached) {
      const value = await cached.catch(() => undefined);
      if (value && value.expiresOn - MARGIN_MS > this.now()) return value.token;
    }
    this.requests++;
    const pending = this.source(request);
    this.cache.set(key, pending);
    pending.catch(() => this.cache.delete(key));
    return (await pending).token;
  }
}
