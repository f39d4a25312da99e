import { checkToken, composeEffectivePipeline, type TokenCheckRequest } from "../lib/policy";
import { InputError, readJsonFile, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";
import { readFacts, readScopes, scopeOptions, scopeUsage } from "./scope-files";

export const checkTokenUsage = `Usage: portcullis policy check-token --global FILE --api FILE (--token JWT | --claims FILE) [--at ISO] [--json] [options]

What APIM would decide for a token at an instant: allowed or denied, by which statement, what it
would answer, and the credential it would attach to the backend call. The token's signature is
NOT checked: its claims are read as if APIM had verified it. Conditions and values the engine
cannot know are reported as undetermined, never guessed.
Exits 0 when allowed, 1 when denied or undetermined, 2 on bad input (the token is never printed).

  --token JWT           the token (a signed or unsigned JWT; "Bearer " in front is allowed)
  --claims FILE         a JSON object of claims instead of a token
  --at ISO              the instant of the call (default: now), e.g. 2026-01-15T12:00:00Z
  --caller-ip IP        the caller's IP address (ip-filter)
  --header NAME:VALUE   another header the call sends (check-header; repeatable)
${scopeUsage}
  --json                print the whole result as JSON
  --help                show this help
`;

export async function checkTokenCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      ...scopeOptions,
      token: { type: "string" },
      claims: { type: "string" },
      at: { type: "string" },
      "caller-ip": { type: "string" },
      header: { type: "string", multiple: true },
      json: { type: "boolean" },
    },
    0,
  );
  if ((values.token === undefined) === (values.claims === undefined))
    throw new InputError("give exactly one of --token JWT and --claims FILE");
  const at = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(at.getTime()) || (values.at !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(values.at)))
    throw new InputError(`--at must be an ISO 8601 instant such as 2026-01-15T12:00:00Z, not '${values.at}'`);
  const headers: Record<string, string> = {};
  for (const header of values.header ?? []) {
    const at = header.indexOf(":");
    if (at < 1) throw new InputError("--header must be NAME:VALUE");
    headers[header.slice(0, at).trim()] = header.slice(at + 1).trim();
  }
  const token =
    values.token !== undefined
      ? { token: values.token }
      : { claims: await readJsonFile(io, values.claims ?? "", "claims") };
  const request: TokenCheckRequest = {
    ...token,
    at,
    ...(values["caller-ip"] === undefined ? {} : { callerIp: values["caller-ip"] }),
    headers,
  };
  const pipeline = composeEffectivePipeline(await readScopes(values, io));
  const result = checkToken(pipeline, request, await readFacts(values, io));
  if (!result.ok) throw new InputError(`${values.token !== undefined ? "--token" : values.claims}: ${result.error}`);
  if (values.json === true) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const lines = [result.summary];
    for (const step of result.steps)
      if (step.result !== "passed") lines.push(...step.details.map((detail) => `  ${step.result}: ${detail}`));
    lines.push(result.signature);
    if (result.response !== null)
      lines.push(
        `answer: ${result.response.status ?? "(status not known)"} ${result.response.message ?? "(message not known)"} — ${result.response.source}`,
      );
    if (result.backendCall !== null)
      lines.push(
        `backend call to ${result.backendCall.target} with: ${result.backendCall.credentials.map((credential) => credential.description).join("; ") || "no credential"}`,
      );
    if (result.outcomes.length > 1)
      for (const outcome of result.outcomes)
        lines.push(`- ${outcome.decision}${outcome.when.length > 0 ? ` when ${outcome.when.join(" and ")}` : ""}`);
    for (const assumption of result.assumptions) lines.push(`assumes: ${assumption}`);
    io.stdout(`${lines.join("\n")}\n`);
  }
  return result.decision === "allowed" ? 0 : 1;
}
