/**
 * What a directory of profile files would change on Portcullis, read over the REST API and
 * changing nothing: each file's API and how its profile differs, the environment's variables the
 * files set that differ from the server's, and the Key Vault references the files state checked
 * against the instance's named values. `portcullis plan` makes a change set of it (the variables
 * written when the set is applied) and prints it; `portcullis apply --dir` also applies the set.
 */
import type { FileProblem } from "../lib/profile-files/file-problem";
import { readProfileDirectory, type ProfileDirectory } from "../lib/profile-files/read-profile-directory";
import { resolvedFileProblems, type VariableSource } from "../lib/profile-files/resolved-file-problems";
import { profileVariableNames, resolveProfileVariables } from "../lib/policy/profile-variables";
import type { AccessProfile } from "../lib/policy/profile-schema";
import { InputError } from "./cli-io";
import {
  fileKeyVault,
  instanceSecrets,
  secretNamed,
  type CurrentProfile,
  type InstanceSecret,
  type ListedApi,
  type TemplateSummary,
} from "./export";
import { profileChanges, type PlannedFile } from "./plan-summary";
import { all, problemDetail, restGet, type RestCall, type RestGet } from "./portcullis-client";
import type { VariableChange } from "../lib/environments/environment-variables";

export interface VariablesPlan {
  environment: string;
  file: string;
  /** The whole set of variables the environment file gives (what the change set writes). */
  variables: Record<string, string>;
  changes: VariableChange[];
  /** APIs of the environment not in the directory whose profiles use a changed variable. */
  elsewhere: string[];
}

export interface DirectoryChanges {
  files: PlannedFile[];
  /**
   * The files whose API changes, or whose saved version APIM does not have yet, sent to POST
   * /change-sets: their profile as written and `template: null` (it follows none), or the
   * template it follows at the version the summary shows (`latest` resolved now, so the set
   * is what was reviewed).
   */
  desired: Array<
    | { apiId: string; profile: unknown; template: null; adopt: boolean }
    | { apiId: string; template: { name: string; version: number }; adopt: boolean }
  >;
  /** Null when the directory has no environment file or its variables are the server's. */
  variables: VariablesPlan | null;
}

type ApiFile = ProfileDirectory["apis"][number];
interface Instance {
  id: string;
  name: string;
  environment: string | null;
}

/** Reads and checks the directory against the server; answers every problem, or what would change. */
export async function directoryChanges(
  call: RestCall,
  options: { dir: string; instance?: string },
): Promise<{ ok: false; problems: FileProblem[] } | ({ ok: true } & DirectoryChanges)> {
  const read = await readProfileDirectory(options.dir).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(
      `cannot read ${options.dir}: ${error.code === "ENOENT" ? "no such directory" : error.message}`,
    );
  });
  if (!read.ok) return read;
  const server = new ServerState(call);
  const { environment } = read.directory;
  const matched = await matchApis(server, read.directory, options.instance);
  if (!matched.ok) return matched;

  const variables = environment ? await variablesPlan(server, environment, matched.files) : null;
  const problems: FileProblem[] = [...(variables?.problems ?? [])];
  const files: PlannedFile[] = [];
  const desired: DirectoryChanges["desired"] = [];
  for (const matchedFile of matched.files) {
    const { file, content, apiId, instance } = matchedFile;
    const template = await fileTemplate(server, matchedFile);
    if (!template.ok) {
      problems.push(template.problem);
      continue;
    }
    const profile = template.version?.profile ?? content.profile!;
    const source = await variableSource(server, instance, environment);
    // Files with their own profile were checked against an environment file as the directory was read.
    if (template.version || !environment)
      problems.push(
        ...resolvedFileProblems(
          matchedFile,
          { written: profile, ...(template.version ? { template: template.version } : {}) },
          source,
        ),
      );
    const current = await server.profile(apiId);
    const following = followingChange(matchedFile.listed, current, template.version);
    const changes = [
      ...(following.line ? [following.line] : []),
      ...profileChanges(current?.written ?? current?.profile, profile),
    ];
    if ((current?.adoptsHandWritten ?? false) !== content.adopt)
      changes.push(`adopt: ${current?.adoptsHandWritten ?? false} → ${content.adopt}`);
    const uses = profileVariableNames([profile, content.keyVault ?? {}]);
    for (const change of variables?.plan.changes.filter((variable) => uses.includes(variable.name)) ?? [])
      changes.push(`\${${change.name}}: ${change.before ?? "(unset)"} → ${change.after ?? "(unset)"}`);
    problems.push(...(await keyVaultProblems(server, matchedFile, profile, source.values ?? {})));
    // A version an earlier plan saved and nobody applied is still a change for APIM: the file is
    // planned again (the server plans that version, saving nothing), so plan exits 2 until it is applied.
    const unappliedVersion = current && !current.applied ? current.version : null;
    files.push({
      file,
      apiId,
      apimName: content.api,
      instance: instance.name,
      changes,
      unappliedVersion,
      followingChanges: following.follows,
    });
    if (changes.length > 0 || unappliedVersion !== null)
      desired.push(
        template.version
          ? {
              apiId,
              template: { name: template.version.name, version: template.version.version },
              adopt: content.adopt,
            }
          : { apiId, profile, template: null, adopt: content.adopt },
      );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    files,
    desired,
    variables: variables && variables.plan.changes.length > 0 ? variables.plan : null,
  };
}

/** One version of a template a file names: its profile as written. */
interface TemplateVersion {
  templateId: string;
  name: string;
  version: number;
  profile: AccessProfile;
}

/**
 * The template version a file's `template` names (`latest`: the newest now), or a problem at
 * `template.name` or `template.version` when Portcullis has no such template or version; no
 * version when the file names no template.
 */
async function fileTemplate(
  server: ServerState,
  { file, content, line }: MatchedFile,
): Promise<{ ok: true; version: TemplateVersion | null } | { ok: false; problem: FileProblem }> {
  if (!content.template) return { ok: true, version: null };
  const { name, version: wanted } = content.template;
  const problem = (path: string, message: string) =>
    ({ ok: false, problem: { file, line: line(path.split(".")), path, message } }) as const;
  const templates = await server.templates;
  const template = templates.find((candidate) => candidate.name === name);
  if (!template)
    return problem(
      "template.name",
      `no profile template named '${name}' in Portcullis (there are: ${templates.map((candidate) => candidate.name).join(", ") || "none"})`,
    );
  const version = wanted === "latest" ? template.latestVersion : wanted;
  const found = (await server.templateVersions(template.id)).find((candidate) => candidate.version === version);
  if (!found)
    return problem(
      "template.version",
      `template ${name} has versions 1 to ${template.latestVersion}: ${wanted} is none of them (or write latest)`,
    );
  return { ok: true, version: { templateId: template.id, name, version, profile: found.profile } };
}

/**
 * How what the API follows changes with the file, as a line of the summary: following starts,
 * stops or moves to another template (`follows`: it counts as a change even when APIM has
 * nothing to write), or the template version its profile is changes.
 */
function followingChange(
  listed: ListedApi,
  current: CurrentProfile | null,
  wanted: TemplateVersion | null,
): { line: string | null; follows: boolean } {
  const now = listed.template?.name ?? "(none)";
  const after = wanted ? `${wanted.name} v${wanted.version}` : "(none)";
  if ((listed.template?.id ?? null) !== (wanted?.templateId ?? null))
    return { line: `template: ${now} → ${after}`, follows: true };
  if (!wanted) return { line: null, follows: false };
  const origin = current?.template?.id === wanted.templateId ? `v${current.template.version}` : "edited by hand";
  return {
    line: origin === `v${wanted.version}` ? null : `template ${wanted.name}: ${origin} → v${wanted.version}`,
    follows: false,
  };
}

/** What the server holds, each list or profile read once. */
class ServerState {
  private readonly apis = new Map<string, Promise<ListedApi[]>>();
  private readonly profiles = new Map<string, Promise<CurrentProfile | null>>();
  private readonly secrets = new Map<string, Promise<InstanceSecret[]>>();
  private readonly variables = new Map<string, Promise<Record<string, string>>>();
  private readonly versions = new Map<string, Promise<Array<{ version: number; profile: AccessProfile }>>>();
  private readonly get: RestGet;
  readonly instances: Promise<Instance[]>;
  private templateList: Promise<TemplateSummary[]> | null = null;

  constructor(private readonly call: RestCall) {
    this.get = restGet(call);
    this.instances = all<Instance>(this.get, "/instances");
  }

  /** Every profile template (read when a file names one). */
  get templates() {
    return (this.templateList ??= this.get("/templates") as Promise<TemplateSummary[]>);
  }

  /** A template's versions, each with its profile as written. */
  templateVersions(templateId: string) {
    return cached(this.versions, templateId, async () => {
      const view = (await this.get(`/templates/${templateId}`)) as {
        versions: Array<{ version: number; profile: AccessProfile }>;
      };
      return view.versions;
    });
  }

  apisOf(instanceId: string) {
    return cached(this.apis, instanceId, () => all<ListedApi>(this.get, `/apis?instanceId=${instanceId}`));
  }

  secretsOf(instanceId: string) {
    return cached(this.secrets, instanceId, () => instanceSecrets(this.get, instanceId));
  }

  variablesOf(environment: string) {
    return cached(this.variables, environment, async () => {
      const view = (await this.get(`/environments/${encodeURIComponent(environment)}/variables`)) as {
        variables: Record<string, string>;
      };
      return view.variables;
    });
  }

  /** The API's current profile (as written and resolved), or null when it has none. */
  profile(apiId: string) {
    return cached(this.profiles, apiId, async () => {
      const path = `/apis/${apiId}/access-profile`;
      const { status, body } = await this.call("GET", path);
      if (status === 404) return null;
      if (status !== 200) throw new InputError(`GET ${path}: ${status} ${problemDetail(body)}`);
      return body as CurrentProfile;
    });
  }
}

function cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = map.get(key);
  if (!value) map.set(key, (value = load()));
  return value;
}

type MatchedFile = ApiFile & { apiId: string; instance: Instance; listed: ListedApi };

/** Each file's API on its instance, or a problem per file naming what was not found. */
async function matchApis(server: ServerState, directory: ProfileDirectory, instanceOption: string | undefined) {
  const instances = await server.instances;
  const problems: FileProblem[] = [];
  const files: MatchedFile[] = [];
  const environment = directory.environment;
  for (const api of directory.apis) {
    const name = instanceOption ?? api.content.instance;
    // The instance given with --instance is not the file's to point at.
    const line = (path: string) => (path === "instance" && instanceOption ? null : api.line(path.split(".")));
    const problem = (path: string, message: string) =>
      problems.push({ file: api.file, line: line(path), path, message });
    if (!name) {
      problem("instance", "must name the API's instance (or run portcullis with --instance NAME)");
      continue;
    }
    const instance = instances.find((candidate) => candidate.name === name);
    if (!instance) {
      problem("instance", `no instance named '${name}' in Portcullis`);
      continue;
    }
    // The environment file's values are the ones this file's variables take only on its instances.
    if (environment && instance.environment !== environment.content.environment) {
      problem(
        "instance",
        `instance ${name} is ${instance.environment ? `in environment ${instance.environment}` : "in no environment"}, but ${environment.file} is environment ${environment.content.environment} (plan each environment's files on its own)`,
      );
      continue;
    }
    // ARM names are case-insensitive; an API gone from APIM cannot be planned.
    const found = (await server.apisOf(instance.id)).find(
      (candidate) => !candidate.gone && candidate.apimName.toLowerCase() === api.content.api.toLowerCase(),
    );
    if (!found) problem("api", `no API named '${api.content.api}' on instance ${name}`);
    else files.push({ ...api, apiId: found.id, instance, listed: found });
  }
  return problems.length > 0 ? ({ ok: false, problems } as const) : ({ ok: true, files } as const);
}

/**
 * The environment file's variables against the server's: what changes, the APIs elsewhere in the
 * environment that use a changed one (they keep their values until saved again), and a problem for
 * each variable removed that a profile not replaced by a file still uses.
 */
async function variablesPlan(
  server: ServerState,
  environment: NonNullable<ProfileDirectory["environment"]>,
  files: MatchedFile[],
) {
  const { environment: name, variables } = environment.content;
  const before = await server.variablesOf(name);
  const names = [...new Set([...Object.keys(before), ...Object.keys(variables)])].sort();
  const changes: VariableChange[] = names
    .filter((variable) => before[variable] !== variables[variable])
    .map((variable) => ({ name: variable, before: before[variable] ?? null, after: variables[variable] ?? null }));
  const plan: VariablesPlan = { environment: name, file: environment.file, variables, changes, elsewhere: [] };
  const problems: FileProblem[] = [];
  if (changes.length === 0) return { plan, problems };
  const inFiles = new Set(files.map((file) => file.apiId));
  const changed = new Set(changes.map((change) => change.name));
  for (const instance of (await server.instances).filter((candidate) => candidate.environment === name)) {
    for (const api of await server.apisOf(instance.id)) {
      if (api.gone || api.profileVersion === null || inFiles.has(api.id)) continue;
      const written = (await server.profile(api.id))?.written;
      const uses = written ? profileVariableNames(written).filter((variable) => changed.has(variable)) : [];
      if (uses.length > 0) plan.elsewhere.push(`${api.apimName} (${instance.name})`);
      for (const removed of uses.filter((variable) => variables[variable] === undefined))
        problems.push({
          file: environment.file,
          line: environment.line(["variables"]),
          path: `variables.${removed}`,
          message: `must stay: API ${api.apimName} on instance ${instance.name} still uses \${${removed}} (remove it from that profile first)`,
        });
    }
  }
  return { plan, problems };
}

/** Where a file's variables take their values: the environment file's, or the instance's environment's on Portcullis. */
async function variableSource(
  server: ServerState,
  instance: Instance,
  environment: ProfileDirectory["environment"],
): Promise<VariableSource> {
  if (environment)
    return {
      values: environment.content.variables,
      name: `${environment.file} (environment ${environment.content.environment})`,
    };
  if (instance.environment === null) return { values: null, instance: instance.name };
  return { values: await server.variablesOf(instance.environment), name: `environment ${instance.environment}` };
}

/** A file's Key Vault reference against the instance's named value of that name: a problem when they differ. */
async function keyVaultProblems(
  server: ServerState,
  { file, content, line, instance }: MatchedFile,
  profile: AccessProfile,
  values: Readonly<Record<string, string>>,
): Promise<FileProblem[]> {
  if (!content.keyVault) return [];
  // A file's own profile was checked as it was read; a template's is known only now.
  if (profile.backendAuth.mode !== "apiKey")
    return content.profile
      ? []
      : [
          {
            file,
            line: line(["keyVault"]),
            path: "keyVault",
            message: `is the Key Vault secret of the profile's named value: template ${content.template!.name}'s profile has backendAuth mode ${profile.backendAuth.mode}, not apiKey`,
          },
        ];
  const resolution = resolveProfileVariables(
    { namedValue: profile.backendAuth.namedValue, keyVault: content.keyVault },
    values,
  );
  // A variable the environment does not set is the file's problem already (resolvedFileProblems).
  if (!resolution.ok) return [];
  const { namedValue, keyVault } = resolution.profile as { namedValue: string; keyVault: typeof content.keyVault };
  const problem = (path: string, message: string) => [{ file, line: line(path.split(".")), path, message }];
  const secret = secretNamed(await server.secretsOf(instance.id), namedValue);
  const actual = fileKeyVault(secret);
  if (!secret)
    return problem(
      "keyVault",
      `instance ${instance.name} has no secret named value '${namedValue}': create it as a Key Vault reference first (the instance's Secrets page, or POST /api/v1/instances/{id}/secrets)`,
    );
  if (!actual)
    return problem(
      "keyVault",
      `named value '${namedValue}' on instance ${instance.name} is a typed value, not a Key Vault reference`,
    );
  if (actual.secretIdentifier.toLowerCase() !== keyVault.secretIdentifier.toLowerCase())
    return problem(
      "keyVault.secretIdentifier",
      `named value '${namedValue}' on instance ${instance.name} refers to ${actual.secretIdentifier}: Portcullis does not repoint a Key Vault reference; create a new named value and refer to it`,
    );
  if ((actual.identityClientId ?? "").toLowerCase() !== (keyVault.identityClientId ?? "").toLowerCase())
    return problem(
      "keyVault.identityClientId",
      `named value '${namedValue}' on instance ${instance.name} reads the vault with ${actual.identityClientId ? `identity ${actual.identityClientId}` : "the system-assigned identity"}`,
    );
  return [];
}
