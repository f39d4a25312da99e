import type { ScopeRead } from "../apim";
import { apimClientForInstance, type InstanceCoordinates } from "../apim/client-for-instance";
import { readInstanceAccess } from "../access/read-instance-access";
import { getDb } from "../db";
import { AppError } from "../errors";
import { findNamedValueReferences, handWrittenReferences } from "../policy";
import { storedProfile } from "../profiles/stored-profile";

/**
 * Every place in APIM that uses the named value `name` and that a rotation's plans would NOT
 * switch: hand-written statements at the global, product, API and operation scopes (outside
 * Portcullis's managed blocks), backends that no access profile manages, and plain named values
 * whose value holds `{{name}}`. A scope ARM refuses to read is listed too: what cannot be read
 * cannot be shown free of the key. Names, scopes and lines only — never a value.
 */
export async function findHandWrittenReferences(
  instance: InstanceCoordinates & { id: string },
  name: string,
  correlationId: string,
): Promise<string[]> {
  const managedBackends = await backendsManagedFor(instance.id, name);
  const read = await readInstanceAccess(apimClientForInstance(instance), { correlationId });
  const found: string[] = [];
  const inPolicy = (where: string, policy: ScopeRead<{ xml: string } | null>) => {
    if (policy.state === "unreadable") return found.push(`${where} could not be read (${policy.error.message})`);
    for (const reference of handWrittenReferences(policy.value?.xml ?? "", name))
      found.push(`${where}, line ${reference.line} (<${reference.element}>)`);
  };
  const each = <T>(what: string, list: ScopeRead<T[]>, visit: (item: T) => void) =>
    list.state === "unreadable"
      ? found.push(`${what} could not be read (${list.error.message})`)
      : list.value.forEach(visit);

  inPolicy("global (service) policy", read.scopes.globalPolicy);
  each("the products", read.scopes.products, ({ product, policy }) =>
    inPolicy(`policy of product '${product.name}'`, policy),
  );
  each("the APIs", read.scopes.apis, ({ api, policy, operations }) => {
    inPolicy(`policy of API '${api.name}'`, policy);
    each(`the operations of API '${api.name}'`, operations, ({ operation, policy: operationPolicy }) =>
      inPolicy(`policy of operation '${operation.name}' of API '${api.name}'`, operationPolicy),
    );
  });
  each("the backends", read.backends, (backend) => {
    if (!managedBackends.has(backend.name.toLowerCase()) && refersTo(JSON.stringify(backend.properties), name))
      found.push(`backend '${backend.name}'`);
  });
  each("the named values", read.namedValues, (namedValue) => {
    if (namedValue.plainValue !== undefined && refersTo(namedValue.plainValue, name))
      found.push(`named value '${namedValue.displayName}'`);
  });
  return found;
}

/**
 * Refuses (409, naming each place) to rotate a named value that is used where the rotation's
 * plans cannot switch it. Why refuse rather than rewrite: those statements and backends belong
 * to whoever wrote them, at scopes Portcullis does not manage, and a rewrite there would change
 * them without their review; going ahead without it would break them once the old named value
 * is deleted. Refused before anything is created, the old key keeps working as it did.
 */
export async function refuseHandWrittenReferences(
  instance: InstanceCoordinates & { id: string },
  name: string,
  correlationId: string,
): Promise<void> {
  const references = await findHandWrittenReferences(instance, name, correlationId);
  if (references.length > 0)
    throw new AppError(
      "conflict",
      `"${name}" is also used where a rotation cannot switch it: ${references.join("; ")}. Make those use the key through an access profile (or remove them), then rotate again.`,
      { details: { handWrittenReferences: references } },
    );
}

const refersTo = (text: string, name: string) =>
  findNamedValueReferences(text).some((found) => found.toLowerCase() === name.toLowerCase());

/** Backends that access profiles sending `name` deliver the key through: their plans switch them. */
async function backendsManagedFor(instanceId: string, name: string): Promise<Set<string>> {
  const apis = await getDb().api.findMany({
    where: { instanceId, goneAt: null },
    include: { profileVersions: { orderBy: { version: "desc" }, take: 1 } },
  });
  const managed = new Set<string>();
  for (const api of apis) {
    const current = api.profileVersions[0];
    if (!current) continue;
    const backend = storedProfile(current).backendAuth;
    if (
      backend.mode === "apiKey" &&
      backend.delivery === "backend" &&
      backend.namedValue.toLowerCase() === name.toLowerCase()
    )
      managed.add(backend.backendId.toLowerCase());
  }
  return managed;
}
