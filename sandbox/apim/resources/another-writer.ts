import type { EntityCollection, EntityContent, StoredEntity } from "../store/entity-collection";
import { childKey, policySlot } from "../store/policy-scopes";
import type { ArmTarget } from "./resource-path";
import type { SimulatorContext } from "./arm-exchange";

/**
 * The `concurrentWrite` fault: someone else changes the entity a write is aimed at, just
 * before the write is handled, so the ETag the client read is stale (412) and the change
 * shows up as drift. The change is harmless and visible: a description, a tag or an XML
 * comment (in a policy at any scope) saying when. Returns false when there is no existing entity to change.
 */
export async function changeByAnotherWriter(context: SimulatorContext, target: ArmTarget): Promise<boolean> {
  const { state } = context;
  const note = `Changed by another writer at ${new Date().toISOString()}`;
  switch (target.resource) {
    case "apis":
      return describeChange(state.apis, target.id, note);
    case "backends":
      return describeChange(state.backends, target.id, note);
    case "products":
      return describeChange(state.products, target.id, note);
    case "operations":
      return describeChange(state.operations, target.id && childKey(target.apiId, target.id), note);
    case "namedValues": {
      const current = target.id === undefined ? undefined : state.namedValues.get(target.id);
      if (current === undefined) return false;
      const marker = "changed-by-another-writer";
      const tags = current.tags.includes(marker)
        ? current.tags.filter((tag) => tag !== marker)
        : [...current.tags, marker];
      await state.namedValues.save({ ...withoutMetadata(current), tags }).persisted;
      return true;
    }
    case "policies": {
      const { collection, key } = policySlot(state, target.scope);
      const current = target.policyId === undefined ? undefined : collection.get(key);
      if (current === undefined) return false;
      const comment = (text: string) => insertBeforeEndTag(text, `  <!-- ${note} -->\r\n`);
      await collection.save({
        ...withoutMetadata(current),
        xml: comment(current.xml),
        rawxml: comment(current.rawxml),
      }).persisted;
      return true;
    }
    default:
      return false;
  }
}

/** Sets the entity's description to `note`; false when there is no such entity. */
async function describeChange<T extends StoredEntity & { properties: Record<string, unknown> }>(
  collection: EntityCollection<T>,
  key: string | undefined,
  note: string,
): Promise<boolean> {
  const current = key === undefined ? undefined : collection.get(key);
  if (current === undefined) return false;
  const changed = { ...withoutMetadata(current), properties: { ...current.properties, description: note } };
  await collection.save(changed as EntityContent<T>).persisted;
  return true;
}

function withoutMetadata<T extends { etag: string; created: number }>(entity: T): Omit<T, "etag" | "created"> {
  const { etag: _etag, created: _created, ...content } = entity;
  return content;
}

function insertBeforeEndTag(xml: string, insertion: string): string {
  const end = xml.lastIndexOf("</");
  return end === -1 ? `${xml}\r\n${insertion.trim()}` : xml.slice(0, end) + insertion + xml.slice(end);
}
