import type { SandboxCoordinates } from "../../sandbox/sandbox-coordinates";

/** A client-credentials token from the sandbox identity provider for `scope` (e.g. `https://graph.microsoft.com/.default`). */
export async function clientCredentialsToken(
  c: Pick<SandboxCoordinates, "authorityHost" | "tenantId">,
  client: { clientId: string; clientSecret: string },
  scope: string,
): Promise<string> {
  const response = await fetch(`${c.authorityHost}/${c.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      scope,
    }),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`no token for ${scope}: ${body.error_description}`);
  return body.access_token;
}
