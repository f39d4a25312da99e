/**
 * What `policy effective` and `policy check-token` share: the scope documents of one call read
 * from files (a document that does not parse is bad input, not an unreadable scope), and the
 * facts about the service given as JSON files.
 */
import { basename } from "node:path";
import { z } from "zod";
import {
  parsePolicyDocumentOfAnyFormat,
  type AccessFacts,
  type EffectivePipelineInput,
  type ScopeDocument,
} from "../lib/policy";
import { formatZodIssues } from "../lib/validation";
import { InputError, positioned, readInputFile, readJsonFile, type CliIo } from "./cli-io";
import { readProfileFile } from "./profile-file";

export const scopeOptions = {
  global: { type: "string" },
  product: { type: "string" },
  api: { type: "string" },
  operation: { type: "string" },
  fragment: { type: "string", multiple: true },
  profile: { type: "string" },
  "subscription-required": { type: "boolean" },
  identity: { type: "string" },
  "named-values": { type: "string" },
} as const;

export const scopeUsage = `  --global FILE         the global (all APIs) policy
  --product FILE        the policy of the product the call comes through (omit: no product)
  --api FILE            the API policy
  --operation FILE      the operation's policy (omit: an operation without its own policy)
  --fragment ID=FILE    a policy fragment the policies include (repeatable)
  --profile FILE        the API's access profile JSON (its API-key header is a credential header)
  --subscription-required
                        calls need a subscription key (without it: they do not)
  --identity FILE       the service's ARM identity JSON ({ type, userAssignedIdentities })
  --named-values FILE   JSON array [{ name, secret, value? (non-secret only), keyVault? }]`;

interface ScopeValues {
  global?: string;
  product?: string;
  api?: string;
  operation?: string;
  fragment?: string[];
  profile?: string;
  "subscription-required"?: boolean;
  identity?: string;
  "named-values"?: string;
}

export async function readScopes(values: ScopeValues, io: CliIo): Promise<EffectivePipelineInput> {
  if (values.global === undefined) throw new InputError("--global FILE is required");
  if (values.api === undefined) throw new InputError("--api FILE is required");
  const scope = async (path: string) => ({
    id: basename(path).replace(/\.xml$/i, ""),
    document: await readPolicy(io, path),
  });
  const fragments: Record<string, string> = {};
  for (const entry of values.fragment ?? []) {
    const [id, path] = splitOnce(entry, "=");
    if (id === "" || path === "") throw new InputError(`--fragment must be ID=FILE, not '${entry}'`);
    fragments[id] = await readInputFile(io, path, `fragment ${id}`);
  }
  return {
    global: await readPolicy(io, values.global),
    api: await scope(values.api),
    ...(values.product === undefined ? {} : { product: await scope(values.product) }),
    ...(values.operation === undefined ? {} : { operation: await scope(values.operation) }),
    ...(Object.keys(fragments).length === 0 ? {} : { fragments }),
    ...(values.profile === undefined ? {} : { profile: await readProfileFile(io, values.profile) }),
  };
}

async function readPolicy(io: CliIo, path: string): Promise<ScopeDocument> {
  const text = await readInputFile(io, path, "policy");
  const parsed = parsePolicyDocumentOfAnyFormat(text);
  if (!parsed.ok) throw new InputError(positioned(path, parsed.error));
  if (parsed.document.root.name !== "policies")
    throw new InputError(`${path}: the root element is <${parsed.document.root.name}>, but a policy has <policies>`);
  return { status: "policy", text, format: parsed.document.format };
}

const serviceIdentitySchema = z.object({
  type: z.enum(["None", "SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned"]),
  principalId: z.string().optional(),
  userAssignedIdentities: z
    .record(z.string(), z.object({ principalId: z.string().optional(), clientId: z.string().optional() }))
    .optional(),
});

const namedValuesSchema = z.array(
  z.object({
    name: z.string().min(1),
    secret: z.boolean(),
    value: z.string().optional(),
    keyVault: z
      .object({
        secretIdentifier: z.string().optional(),
        lastStatus: z
          .object({ code: z.string(), message: z.string().optional(), timeStampUtc: z.string().optional() })
          .optional(),
      })
      .optional(),
  }),
);

export async function readFacts(values: ScopeValues, io: CliIo): Promise<AccessFacts> {
  const facts: AccessFacts = { subscriptionRequired: values["subscription-required"] === true };
  if (values.identity !== undefined) {
    const json = (await readJsonFile(io, values.identity, "identity")) as { identity?: unknown };
    // The service resource as ARM returns it, or its `identity` alone.
    facts.serviceIdentity = parseJson(serviceIdentitySchema, json.identity ?? json, values.identity);
  }
  if (values["named-values"] !== undefined)
    facts.namedValues = parseJson(
      namedValuesSchema,
      await readJsonFile(io, values["named-values"], "named values"),
      values["named-values"],
    );
  return facts;
}

function parseJson<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = formatZodIssues(result.error)[0];
  throw new InputError(`${path}: ${issue?.path} ${issue?.message}`);
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
