/**
 * The security headers of every response, in one place: proxy.ts sets them on what it answers
 * and on what it passes on (next.config.ts cannot: it is evaluated at build time, and the
 * policy of a page needs this request's nonce).
 *
 * Pages get a strict Content-Security-Policy: scripts run only with this response's nonce
 * (Next.js puts it on its own scripts, read from the request's copy of the header) and what
 * they load ('strict-dynamic'); no plugins, no <base>, forms post only here and to the identity
 * provider (signing out without JavaScript is a form whose answer redirects there). Everything
 * else (REST, health) may load nothing at all.
 */
export interface SecurityHeaderSettings {
  /** APP_URL: Strict-Transport-Security and upgrade-insecure-requests only when it is https. */
  appUrl: string;
  /** Origin of the sign-in provider (Entra or the sandbox's), a form's possible destination. */
  identityProvider: string | undefined;
}

/** Browser features no console page uses, switched off for it and anything it could embed. */
const PERMISSIONS_POLICY = [
  "accelerometer",
  "browsing-topics",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "serial",
  "usb",
  "xr-spatial-tracking",
]
  .map((feature) => `${feature}=()`)
  .join(", ");

export function pagePolicy(nonce: string, settings: SecurityHeaderSettings): string {
  const https = new URL(settings.appUrl).protocol === "https:";
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${settings.identityProvider ? ` ${settings.identityProvider}` : ""}`,
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export const NOTHING_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The headers every response carries, with the given Content-Security-Policy. */
export function securityHeaders(policy: string, settings: SecurityHeaderSettings): Record<string, string> {
  return {
    "content-security-policy": policy,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    ...(new URL(settings.appUrl).protocol === "https:"
      ? { "strict-transport-security": "max-age=31536000; includeSubDomains" }
      : {}),
  };
}

/** 128 random bits, base64: unguessable and unique per response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
