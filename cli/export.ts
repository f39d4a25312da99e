import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatApiProfileFile, formatEnvironmentFile } from "../lib/profile-files/format-profile-file";
import type { AccessProfile } from "../lib/policy/profile-schema";
import type { TemplateOrigin, TemplateReference } from "../lib/profiles/schemas";
import { InputError, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";
import { all, connectToPortcullis, type RestGet } from "./portcullis-client";

export const exportUsage = `Usage: portcullis export --instance NAME --out DIR

Writes the access profiles of an instance's APIs as files for Git: DIR/apis/<ARM name>.yaml, one per
API with a profile (the profile as written, with its \${name} variables, or for an API following a
profile template, template: its name and version, "latest" when the profile is its newest; and
keyVault: the Key Vault secret its named value refers to, when it is a Key Vault reference), and
DIR/environment.yaml, the values of the variables in the instance's environment. Named value names
and Key Vault identifiers only, never secret values. An API following a template whose profile was
edited by hand since is written with that profile and no template (a warning says so).

Connects to PORTCULLIS_URL with an Entra token for PORTCULLIS_AUDIENCE (AZURE_TENANT_ID,
AZURE_CLIENT_ID, and AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE); without AZURE_CLIENT_ID,
to the sandbox as its automation client (.data/sandbox.json, or DATA_DIR).

  --instance NAME  the instance, by its name in Portcullis
  --out DIR        where to write (created if missing; files of the same names are replaced)
  --help           show this help
`;

export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { instance: { type: "string" }, out: { type: "string" } }, 0);
  if (!values.instance) throw new InputError("--instance NAME is required");
  if (!values.out) throw new InputError("--out DIR is required");
  const written = await exportInstance(await connectToPortcullis(), values.instance, values.out, (warning) =>
    io.stderr(`portcullis: warning: ${warning}\n`),
  );
  io.stdout(
    written.length === 0
      ? `nothing written: no API of instance ${values.instance} has an access profile, and the instance has no environment\n`
      : `${written.map((file) => `wrote ${file}`).join("\n")}\n`,
  );
  return 0;
}

/** An API as GET /apis lists it (what export and plan read of it). */
export interface ListedApi {
  id: string;
  apimName: string;
  gone: boolean;
  profileVersion: number | null;
  template: { id: string; name: string } | null;
}

/** An API's current profile as GET /apis/{id}/access-profile answers it. */
export interface CurrentProfile {
  version: number;
  profile: AccessProfile;
  written: AccessProfile | null;
  adoptsHandWritten: boolean;
  template: TemplateOrigin | null;
  /** Whether APIM has this version (a plan of it applied, or one that had nothing to write). */
  applied: boolean;
}

export interface TemplateSummary {
  id: string;
  name: string;
  latestVersion: number;
}

/**
 * Exports one instance's profiles and its environment's variables into `out`; answers the files
 * written. `warn` gets what a file cannot say exactly as Portcullis has it.
 */
export async function exportInstance(
  get: RestGet,
  instanceName: string,
  out: string,
  warn: (message: string) => void = () => {},
): Promise<string[]> {
  const instances = await all<{ id: string; name: string; environment: string | null }>(get, "/instances");
  const instance = instances.find((candidate) => candidate.name === instanceName);
  if (!instance)
    throw new InputError(
      `no instance named '${instanceName}' (there are: ${instances.map((candidate) => candidate.name).join(", ") || "none"})`,
    );
  const apis = await all<ListedApi>(get, `/apis?instanceId=${instance.id}`);
  const files: Array<[string, string]> = [];
  const exported = apis.filter((candidate) => !candidate.gone && candidate.profileVersion !== null);
  const secrets = exported.length === 0 ? [] : await instanceSecrets(get, instance.id);
  const templates = exported.some((api) => api.template) ? ((await get("/templates")) as TemplateSummary[]) : [];
  // An API without a profile has nothing to export; one gone from APIM is history, not configuration.
  for (const api of exported) {
    const current = (await get(`/apis/${api.id}/access-profile`)) as CurrentProfile;
    const file = path.join("apis", `${api.apimName}.yaml`);
    const template = fileTemplate(api, current, templates);
    if (api.template && !template)
      warn(
        `${file}: API ${api.apimName} follows template ${api.template.name}, but its profile was edited by hand since it was saved from it: the file has that profile and no template (planned as it is, the API stops following; add template: to follow it again)`,
      );
    files.push([
      file,
      formatApiProfileFile({
        api: api.apimName,
        instance: instance.name,
        adopt: current.adoptsHandWritten,
        ...(template ? { template } : { profile: current.written ?? current.profile }),
        keyVault:
          current.profile.backendAuth.mode === "apiKey"
            ? fileKeyVault(secretNamed(secrets, current.profile.backendAuth.namedValue))
            : undefined,
      }),
    ]);
  }
  if (instance.environment) {
    const environment = (await get(`/environments/${instance.environment}/variables`)) as {
      variables: Record<string, string>;
    };
    files.push([
      "environment.yaml",
      formatEnvironmentFile({ environment: instance.environment, variables: environment.variables }),
    ]);
  }
  await mkdir(path.join(out, "apis"), { recursive: true });
  for (const [file, text] of files) await writeFile(path.join(out, file), text);
  return files.map(([file]) => file);
}

/**
 * The file's `template` for an API that follows one and whose profile is a version of it:
 * `latest` when that is the template's newest version (the file then stays true as the
 * template's next versions reach the API), else the version's number. Undefined when it follows
 * none, or its profile was edited by hand since (the file then has that profile).
 */
function fileTemplate(
  api: ListedApi,
  current: CurrentProfile,
  templates: TemplateSummary[],
): TemplateReference | undefined {
  if (!api.template || current.template?.id !== api.template.id) return undefined;
  const latest = templates.find((template) => template.id === api.template!.id)?.latestVersion;
  return {
    name: api.template.name,
    version: current.template.version === latest ? "latest" : current.template.version,
  };
}

export interface InstanceSecret {
  name: string;
  keyVault: { secretIdentifier: string; identityClientId: string | null } | null;
}

/** The instance's secret named values (names and Key Vault identifiers; the REST API has no values). */
export function instanceSecrets(get: RestGet, instanceId: string): Promise<InstanceSecret[]> {
  return all<InstanceSecret>(get, `/instances/${instanceId}/secrets`);
}

/** The secret named value of this name (APIM compares names case-insensitively), if any. */
export function secretNamed(secrets: InstanceSecret[], name: string): InstanceSecret | undefined {
  return secrets.find((secret) => secret.name.toLowerCase() === name.toLowerCase());
}

/** A secret's Key Vault reference as a profile file writes it, or undefined for a typed value. */
export function fileKeyVault(secret: InstanceSecret | undefined) {
  if (!secret?.keyVault) return undefined;
  const { secretIdentifier, identityClientId } = secret.keyVault;
  return { secretIdentifier, ...(identityClientId ? { identityClientId } : {}) };
}
