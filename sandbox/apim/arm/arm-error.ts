/**
 * An error the simulator answers in ARM's wire shape:
 * `{"error":{"code":"…","message":"…","details":…}}`.
 *
 * ARM's own front door (authentication, api-version, routing, throttling) omits `details`;
 * the APIM resource provider always sends it, usually as `null`
 * (01-arm-rest-reference.md, "Real APIM error bodies"). `details: undefined` therefore
 * means "omit the key", `null` means "send `"details": null`".
 */
export interface ArmErrorDetail {
  code: string;
  target: string;
  message: string;
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ArmErrorDetail[] | null,
    /** Extra response headers, e.g. `Retry-After` on a 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  body(): { error: { code: string; message: string; details?: ArmErrorDetail[] | null } } {
    const error = { code: this.code, message: this.message };
    return { error: this.details === undefined ? error : { ...error, details: this.details } };
  }
}
