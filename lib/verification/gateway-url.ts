/**
 * Which gateway URLs an instance may send probes to. Probes carry callers' tokens and subscription
 * keys, so a configured gateway URL must be https, without credentials, query or fragment, at an
 * origin where ARM says this very service's gateway answers (its gateway URL, regional gateway URLs
 * and custom proxy host names: ApimService.gatewayOrigins) or one the server's operator allows
 * (VERIFY_GATEWAYS_ALLOWED, e.g. a self-hosted gateway). A host merely under APIM's domains is not
 * enough: anyone can create `evil.azure-api.net`, and one admin could then send the instance's
 * subscription key and the probe identity's tokens there. Checked when it is saved and again before
 * each use. Pure.
 */
export type GatewayUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

export interface GatewayOrigins {
  /** Where ARM says the instance's service answers (ApimService.gatewayOrigins). */
  reported: readonly string[];
  /** VERIFY_GATEWAYS_ALLOWED. */
  allowed: readonly string[];
}

export function checkGatewayUrl(text: string, origins: GatewayOrigins): GatewayUrlCheck {
  const listed = [...origins.reported, ...origins.allowed];
  const rule = `must be an https:// URL of a gateway this APIM service reports in ARM${
    origins.reported.length > 0 ? ` (${origins.reported.join(", ")})` : " (it reports none)"
  } or of an origin listed in VERIFY_GATEWAYS_ALLOWED${origins.allowed.length > 0 ? ` (${origins.allowed.join(", ")})` : ""}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: rule };
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "")
    return { ok: false, problem: `${rule}, with no credentials, query or fragment` };
  if (!listed.includes(url.origin)) return { ok: false, problem: rule };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, "")}` };
}
