import canonicalize from "canonicalize";
import type { BackendProperties } from "../apim";
import { renderBackendEntity, type AccessProfile, type ManagedBackendFields } from "../policy";

export interface DesiredBackend {
  backendId: string;
  fields: ManagedBackendFields;
}

/** The backend the profile needs (delivery `backend`), or undefined. */
export function desiredBackendOf(profile: AccessProfile): DesiredBackend | undefined {
  const entity = renderBackendEntity(profile);
  if (entity === undefined) return undefined;
  const { url = "", protocol = "http", credentials = {} } = entity.properties;
  return { backendId: entity.backendId, fields: { url, protocol, credentials: withoutEmpty(credentials) } };
}

export function managedFieldsOf(properties: BackendProperties): ManagedBackendFields {
  return {
    url: properties.url,
    protocol: properties.protocol,
    credentials: withoutEmpty(properties.credentials ?? {}),
  };
}

export function sameBackendFields(a: ManagedBackendFields, b: ManagedBackendFields): boolean {
  return canonicalize(a) === canonicalize(b);
}

/** The body of an update: the backend as read, with the managed fields replaced. */
export function withManagedFields(live: BackendProperties, fields: ManagedBackendFields): BackendProperties {
  return { ...live, url: fields.url, protocol: fields.protocol, credentials: fields.credentials };
}

const REFERENCE_ONLY = /^\{\{[^{}]+\}\}$/;

/**
 * Managed fields fit to store and show. What a profile writes only ever references named values,
 * but a backend someone else configured may carry a key typed straight into a header, a query
 * parameter or an authorization parameter: such values are replaced by a placeholder.
 */
export function shownBackendFields(fields: ManagedBackendFields): ManagedBackendFields {
  const { header, query, authorization, ...others } = fields.credentials as {
    header?: Record<string, string[]>;
    query?: Record<string, string[]>;
    authorization?: { scheme?: string; parameter?: string };
  };
  const hidden = (values: Record<string, string[]>) =>
    Object.fromEntries(
      Object.entries(values).map(([name, list]) => [
        name,
        list.map((value) => (REFERENCE_ONLY.test(value) ? value : HIDDEN)),
      ]),
    );
  const credentials: Record<string, unknown> = { ...others };
  if (header !== undefined) credentials.header = hidden(header);
  if (query !== undefined) credentials.query = hidden(query);
  if (authorization !== undefined)
    credentials.authorization = {
      ...authorization,
      ...(authorization.parameter === undefined ? {} : { parameter: HIDDEN }),
    };
  return { ...fields, credentials };
}

export const HIDDEN = "(literal value hidden)";

/** APIM spells an unset credential as null, {} or [] depending on the api-version: all mean "none". */
function withoutEmpty(value: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const cleaned = isObject(item) ? withoutEmpty(item) : item;
    if (cleaned === null || cleaned === undefined) continue;
    if (Array.isArray(cleaned) && cleaned.length === 0) continue;
    if (isObject(cleaned) && Object.keys(cleaned).length === 0) continue;
    kept[key] = cleaned;
  }
  return kept;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
