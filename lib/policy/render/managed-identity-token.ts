/**
 * The variable that carries the managed identity token from authentication-managed-identity to
 * the Authorization header, and the one expression the engine ever writes. Both are constants,
 * so no profile value can reach them.
 */
export const MANAGED_IDENTITY_TOKEN_VARIABLE = "portcullis-managed-identity-token";

export function bearerFromVariableExpression(variable: string): string {
  return `@("Bearer " + (string)context.Variables["${variable}"])`;
}

// The variable read as `(string)context.Variables["v"]` or `...GetValueOrDefault("v")`,
// optionally wrapped in extra parentheses.
const VARIABLE = String.raw`\(*\s*\(string\)\s*context\.Variables(?:\s*\[\s*"([^"]+)"\s*\]|\.GetValueOrDefault(?:<string>)?\(\s*"([^"]+)"\s*\))\s*\)*`;
const BEARER_FORMS = [
  new RegExp(String.raw`^@\(\s*"Bearer "\s*\+\s*${VARIABLE}\s*\)$`),
  new RegExp(String.raw`^@\(\s*String\.Concat\(\s*"Bearer "\s*,\s*${VARIABLE}\s*\)\s*\)$`),
];

/**
 * Recognises the usual hand-written ways of sending a token variable as a bearer token,
 * `@("Bearer " + (string)context.Variables["v"])` and `@(String.Concat("Bearer ", …))`,
 * and returns the variable name.
 */
export function variableOfBearerExpression(expression: string): string | undefined {
  for (const form of BEARER_FORMS) {
    const match = form.exec(expression.trim());
    if (match !== null) return match[1] ?? match[2];
  }
  return undefined;
}
