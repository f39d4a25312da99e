/**
 * Which gateway URLs an instance may send probes to. Probes carry callers' tokens and subscription
 * keys, so a configured gateway URL is checked like an ARM endpoint: https only, no credentials,
 * query or fragment, and a host of APIM's own gateway domains or an origin the server allows
 * (VERIFY_GATEWAYS_ALLOWED) — never an arbitrary or internal host (no IP literal, no localhost)
 * chosen by whoever edits the instance. Checked when it is saved and again before each use. Pure.
 */
export const APIM_GATEWAY_SUFFIXES = [".azure-api.net", ".azure-api.us", ".azure-api.cn"] as const;

export type GatewayUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

export function checkGatewayUrl(text: string, allowedOrigins: readonly string[]): GatewayUrlCheck {
  const rule = `must be an https:// URL of an APIM gateway (a host under ${APIM_GATEWAY_SUFFIXES.join(", ")})${
    allowedOrigins.length > 0 ? ` or of ${allowedOrigins.join(", ")}` : ""
  }; other gateways only when listed in VERIFY_GATEWAYS_ALLOWED`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: rule };
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "")
    return { ok: false, problem: `${rule} (no credentials, query or fragment)` };
  const normalized = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  if (allowedOrigins.includes(url.origin)) return { ok: true, url: normalized };
  const host = url.hostname.toLowerCase();
  const apimHost = APIM_GATEWAY_SUFFIXES.some(
    (suffix) => host.endsWith(suffix) && host.length > suffix.length && !host.slice(0, -suffix.length).endsWith("."),
  );
  if (!apimHost || url.port !== "") return { ok: false, problem: rule };
  return { ok: true, url: normalized };
}
