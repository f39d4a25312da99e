import type { Grant, KoaContextWithOIDC } from "oidc-provider";

/**
 * `loadExistingGrant` that consents on the user's behalf to whatever the request asks for,
 * so the consent prompt never shows. This mirrors an Entra tenant where an administrator has
 * granted consent for the organisation: users of a first-party app are never asked.
 */
export async function autoConsent(ctx: KoaContextWithOIDC): Promise<Grant> {
  const { oidc } = ctx;
  const clientId = oidc.client!.clientId;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(clientId);
  const grant =
    (grantId ? await oidc.provider.Grant.find(grantId) : undefined) ??
    new oidc.provider.Grant({ clientId, accountId: oidc.account!.accountId });

  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(" "));
  if (oidc.requestParamClaims.size > 0) grant.addOIDCClaims([...oidc.requestParamClaims]);
  for (const [indicator, resourceServer] of Object.entries(oidc.resourceServers ?? {})) {
    grant.addResourceScope(indicator, resourceServer.scope);
  }
  await grant.save();
  return grant;
}
