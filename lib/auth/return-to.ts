/**
 * Where to go after sign-in. Only same-origin absolute paths are allowed, so the sign-in
 * flow cannot be used to bounce a user to another site (open redirect).
 */
export function safeReturnTo(value: string | undefined | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\u007f]/.test(value)) return "/";
  return value.length > 2048 ? "/" : value;
}
