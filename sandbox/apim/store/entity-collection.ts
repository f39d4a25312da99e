import type { EtagClock } from "../arm/etag";
import type { EntityFiles } from "./entity-files";

/** What every stored entity carries besides its own content. */
export interface StoredEntity {
  /** The identifier as first created (APIM identifiers compare case-insensitively). */
  name: string;
  etag: string;
  /** Creation order; lists are answered in it, as the recordings show. */
  created: number;
}

export type EntityContent<T extends StoredEntity> = Omit<T, "etag" | "created">;

/**
 * One kind of entity (named values, backends, …) held in memory and mirrored to disk.
 * Reads never touch the disk. A save that leaves the content as it was keeps the ETag:
 * the recorded API-policy session shows an identical second PUT answered with the same
 * ETag (recordings/azure-cli__test_apim_api_policy.yaml).
 */
export class EntityCollection<T extends StoredEntity> {
  private readonly entities = new Map<string, T>();

  constructor(
    private readonly kind: string,
    private readonly files: EntityFiles,
    private readonly clock: EtagClock,
    private readonly nextCreated: () => number,
  ) {}

  /** Fills the collection from records read at start-up. */
  restore(records: readonly T[]): void {
    for (const record of [...records].sort((a, b) => a.created - b.created))
      this.entities.set(keyOf(record.name), record);
  }

  get(name: string): T | undefined {
    return this.entities.get(keyOf(name));
  }

  list(): T[] {
    return [...this.entities.values()];
  }

  /**
   * Stores `content` (keeping the original spelling of the name) and resolves once it is on
   * disk. The in-memory change is immediate, so callers that check preconditions and save
   * without awaiting in between cannot interleave with another request.
   */
  save(content: EntityContent<T>): { entity: T; created: boolean; persisted: Promise<void> } {
    const existing = this.get(content.name);
    if (existing !== undefined && sameContent(existing, content)) {
      return { entity: existing, created: false, persisted: Promise.resolve() };
    }
    const entity = {
      ...content,
      name: existing?.name ?? content.name,
      etag: this.clock.next(),
      created: existing?.created ?? this.nextCreated(),
    } as T;
    this.entities.set(keyOf(entity.name), entity);
    return {
      entity,
      created: existing === undefined,
      persisted: this.files.write(this.kind, keyOf(entity.name), entity),
    };
  }

  /** Removes the entity; resolves once the file is gone. */
  delete(name: string): Promise<void> {
    this.entities.delete(keyOf(name));
    return this.files.remove(this.kind, keyOf(name));
  }

  clear(): void {
    this.entities.clear();
  }
}

function keyOf(name: string): string {
  return name.toLowerCase();
}

function sameContent(existing: StoredEntity, content: object): boolean {
  const { etag: _etag, created: _created, name: _name, ...current } = existing;
  const { name: _newName, ...next } = content as StoredEntity;
  return JSON.stringify(current) === JSON.stringify(next);
}
