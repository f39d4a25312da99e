/** One entry of ARM's `error.details`. */
export interface ArmErrorDetail {
  code?: string;
  target?: string;
  message?: string;
}

/** ARM's error body `{"error":{"code","message","details"}}` (details is often null). */
export interface ArmErrorBody {
  code?: string;
  message?: string;
  details: ArmErrorDetail[];
}

// Enough for any real ARM message; bounds what a misbehaving server can push into our errors.
const MAX_TEXT = 2_000;

/** The ARM error in a response body, or undefined when the body is not one. */
export function armErrorOf(bodyText: string | null | undefined): ArmErrorBody | undefined {
  if (bodyText == null || bodyText === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message, details } = error as Record<string, unknown>;
  return {
    code: text(code),
    message: text(message),
    details: Array.isArray(details) ? details.map(toDetail) : [],
  };
}

function toDetail(entry: unknown): ArmErrorDetail {
  const { code, target, message } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<
    string,
    unknown
  >;
  return { code: text(code), target: text(target), message: text(message) };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value.slice(0, MAX_TEXT) : undefined;
}
