/** The ids a field's hint and error get, and the aria attributes that point the input at them. */
export function fieldAria(id: string, { hint, error }: { hint?: unknown; error?: unknown }) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return {
    "aria-describedby": describedBy || undefined,
    "aria-invalid": error ? (true as const) : undefined,
  };
}
