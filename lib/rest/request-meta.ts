import { randomUUID } from "node:crypto";

/**
 * Request metadata for logs and the audit trail. A caller-supplied x-request-id is kept when
 * it looks like an id (so a client can correlate), otherwise we mint one.
 */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface RequestMeta {
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
}

export function requestMetaFrom(headers: Headers): RequestMeta {
  const supplied = headers.get("x-request-id");
  return {
    requestId: supplied && REQUEST_ID.test(supplied) ? supplied : randomUUID(),
    clientIp: clientIpFrom(headers),
    userAgent: headers.get("user-agent"),
  };
}

/** The nearest client address a proxy reported (first x-forwarded-for entry), else none. */
function clientIpFrom(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || headers.get("x-real-ip")?.trim();
  return ip && /^[0-9a-fA-F:.]{2,45}$/.test(ip) ? ip : null;
}
