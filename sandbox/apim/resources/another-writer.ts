import type { ArmTarget } from "./resource-path";
import type { SimulatorContext } from "./arm-exchange";

/**
 * The `concurrentWrite` fault: someone else changes the entity a write is aimed at, just
 * before the write is handled, so the ETag the client read is stale (412) and the change
 * shows up as drift. The change is harmless and visible: a description, a tag or an XML
 * comment saying when. Returns false when there is no existing entity to change.
 */
export async function changeByAnotherWriter(context: SimulatorContext, target: ArmTarget): Promise<boolean> {
  const { state } = context;
  const note = `Changed by another writer at ${new Date().toISOString()}`;
  switch (target.resource) {
    case "apis":
    case "backends": {
      const collection = target.resource === "apis" ? state.apis : state.backends;
      const current = target.id === undefined ? undefined : collection.get(target.id);
      if (current === undefined) return false;
      await collection.save({ ...withoutMetadata(current), properties: { ...current.properties, description: note } })
        .persisted;
      return true;
    }
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
    case "apiPolicies": {
      const current = target.policyId === undefined ? undefined : state.policies.get(target.apiId);
      if (current === undefined) return false;
      const comment = (text: string) => insertBeforeEndTag(text, `  <!-- ${note} -->\r\n`);
      await state.policies.save({
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

function withoutMetadata<T extends { etag: string; created: number }>(entity: T): Omit<T, "etag" | "created"> {
  const { etag: _etag, created: _created, ...content } = entity;
  return content;
}

function insertBeforeEndTag(xml: string, insertion: string): string {
  const end = xml.lastIndexOf("</");
  return end === -1 ? `${xml}\r\n${insertion.trim()}` : xml.slice(0, end) + insertion + xml.slice(end);
}
