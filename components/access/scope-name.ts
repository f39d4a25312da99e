const SCOPE_NAMES = { global: "global", product: "product", api: "API", operation: "operation" } as const;

/** "API policy azure-openai": the scope a statement or finding stands in, as a person names it. */
export function scopeName(scope: keyof typeof SCOPE_NAMES, scopeId: string | null): string {
  return `${SCOPE_NAMES[scope]} policy${scopeId === null ? "" : ` ${scopeId}`}`;
}
