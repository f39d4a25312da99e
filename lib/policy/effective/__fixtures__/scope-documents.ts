/** Test helpers: scope documents written section by section, with line numbers that tests can predict. */
import type { EffectivePipelineInput, ScopeDocument } from "../effective-input";
import type { PipelineStatement, PolicySection } from "../effective-pipeline";

/**
 * A policy whose sections hold the given statements, one per line: `<policies>` is line 1, each
 * section's start tag takes a line, then its statements, then its end tag. A section given as
 * undefined is left out; by default every section holds `<base />`.
 */
export function policy(sections: Partial<Record<PolicySection, string[] | undefined>> = {}): ScopeDocument {
  const lines = ["<policies>"];
  for (const section of ["inbound", "backend", "outbound", "on-error"] as const) {
    const statements = Object.hasOwn(sections, section) ? sections[section] : ["<base />"];
    if (statements === undefined) continue;
    lines.push(`<${section}>`, ...statements, `</${section}>`);
  }
  lines.push("</policies>");
  return { status: "policy", text: lines.join("\n") };
}

/** The global policy APIM starts with: it forwards the request. */
export const DEFAULT_GLOBAL = policy({ inbound: [], backend: ["<forward-request />"], outbound: [], "on-error": [] });

export function scopes(
  overrides: Partial<Omit<EffectivePipelineInput, "global" | "api" | "product" | "operation">> & {
    global?: ScopeDocument;
    api?: ScopeDocument;
    product?: ScopeDocument;
    operation?: ScopeDocument;
  } = {},
): EffectivePipelineInput {
  const { global, api, product, operation, ...rest } = overrides;
  return {
    global: global ?? DEFAULT_GLOBAL,
    api: { id: "chat", document: api ?? policy() },
    ...(product === undefined ? {} : { product: { id: "standard", document: product } }),
    ...(operation === undefined ? {} : { operation: { id: "completions", document: operation } }),
    ...rest,
  };
}

/** `element@scope:line` for each statement, with branches and container contents flattened in order. */
export function outline(statements: readonly PipelineStatement[]): string[] {
  return statements.flatMap((statement): string[] => {
    const here = `${statement.element}@${statement.scope}:${statement.line}${statement.managed ? "*" : ""}`;
    if (statement.role === "choose")
      return [here, ...statement.branches.flatMap((branch) => outline(branch.statements).map((line) => `  ${line}`))];
    if (statement.role === "container" || statement.role === "undetermined") {
      const inner = statement.role === "container" ? statement.statements : statement.possibly;
      return [here, ...outline(inner).map((line) => `  ${line}`)];
    }
    return [here];
  });
}

export const ENTRA_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const CLIENT_A = "11111111-2222-3333-4444-555555555555";
export const CLIENT_B = "66666666-7777-8888-9999-000000000000";

export function entraValidation(attributes = "", inner = `<client-application-ids><application-id>${CLIENT_A}</application-id></client-application-ids>`) {
  return `<validate-azure-ad-token tenant-id="${ENTRA_TENANT}"${attributes}>${inner}</validate-azure-ad-token>`;
}

export const API_KEY_HEADER = '<set-header name="api-key" exists-action="override"><value>{{openai-key}}</value></set-header>';
export const BEGIN = "<!-- portcullis:begin -->";
export const END = "<!-- portcullis:end -->";
