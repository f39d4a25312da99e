import { stringify } from "yaml";
import { profileVariableNames } from "../policy/profile-variables";
import type { AccessProfile } from "../policy/profile-schema";
import type { TemplateReference } from "../profiles/schemas";
import { API_FILE_KIND, ENVIRONMENT_FILE_KIND } from "./profile-file-schemas";

/**
 * An API's profile file: fixed top-level order (`template` before `profile`; an API follows a
 * template or has a profile written by hand, never both), and inside the profile `mode` first then the
 * other keys alphabetically, so the same profile always gives the same bytes and a Git diff
 * shows only what changed.
 */
export function formatApiProfileFile(input: {
  api: string;
  instance: string;
  adopt: boolean;
  /** The template the API follows; then the file has no profile (the template's version is it). */
  template?: TemplateReference;
  /** The profile as written, when it follows no template. */
  profile?: AccessProfile;
  /** The Key Vault secret the profile's named value refers to, when it is a Key Vault reference. */
  keyVault?: { secretIdentifier: string; identityClientId?: string };
}): string {
  const header = `# Access profile of API ${input.api}, exported from instance ${input.instance} by portcullis export.\n# Named value names and Key Vault identifiers only, never secret values; \${name} variables take each environment's values.\n`;
  return (
    header +
    stringify(
      {
        kind: API_FILE_KIND,
        api: input.api,
        instance: input.instance,
        adopt: input.adopt,
        variables: profileVariableNames([input.profile ?? {}, input.keyVault ?? {}]),
        ...(input.template ? { template: { name: input.template.name, version: input.template.version } } : {}),
        ...(input.profile ? { profile: ordered(input.profile) } : {}),
        ...(input.keyVault ? { keyVault: ordered(input.keyVault) } : {}),
      },
      { lineWidth: 0 },
    )
  );
}

/** An environment's variables file, variables sorted by name. */
export function formatEnvironmentFile(input: { environment: string; variables: Record<string, string> }): string {
  const header = `# Variables of environment ${input.environment}, exported by portcullis export. Names and identifiers only.\n`;
  const variables = Object.fromEntries(Object.entries(input.variables).sort(([a], [b]) => a.localeCompare(b)));
  return (
    header + stringify({ kind: ENVIRONMENT_FILE_KIND, environment: input.environment, variables }, { lineWidth: 0 })
  );
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value !== "object" || value === null) return value;
  const keys = Object.keys(value).sort((a, b) => (a === "mode" ? -1 : b === "mode" ? 1 : a.localeCompare(b)));
  return Object.fromEntries(keys.map((key) => [key, ordered((value as Record<string, unknown>)[key])]));
}
