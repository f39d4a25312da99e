import { access, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EtagClock, rowVersionOf } from "../arm/etag";
import { EntityCollection, type StoredEntity } from "./entity-collection";
import { EntityFiles } from "./entity-files";
import type { ApiRecord, BackendRecord, NamedValueRecord, PolicyRecord } from "./records";

const kinds = ["namedValues", "backends", "apis", "policies"] as const;
const seededMarker = "seeded";

/**
 * The whole state of the simulated APIM service: every entity in memory, each mirrored to
 * its own file under the data directory so that a restart finds it again.
 */
export class ApimState {
  readonly namedValues: EntityCollection<NamedValueRecord>;
  readonly backends: EntityCollection<BackendRecord>;
  readonly apis: EntityCollection<ApiRecord>;
  readonly policies: EntityCollection<PolicyRecord>;

  private constructor(
    private readonly dataDir: string,
    private readonly files: EntityFiles,
    clock: EtagClock,
    firstCreated: number,
  ) {
    let created = firstCreated;
    const nextCreated = () => created++;
    this.namedValues = new EntityCollection(kinds[0], files, clock, nextCreated);
    this.backends = new EntityCollection(kinds[1], files, clock, nextCreated);
    this.apis = new EntityCollection(kinds[2], files, clock, nextCreated);
    this.policies = new EntityCollection(kinds[3], files, clock, nextCreated);
  }

  /** Loads the state kept in `dataDir` (empty on first start). */
  static async open(dataDir: string): Promise<ApimState> {
    await mkdir(dataDir, { recursive: true });
    const files = new EntityFiles(dataDir);
    const [namedValues, backends, apis, policies] = (await Promise.all(kinds.map((kind) => files.load(kind)))) as [
      NamedValueRecord[],
      BackendRecord[],
      ApiRecord[],
      PolicyRecord[],
    ];
    const all: StoredEntity[] = [...namedValues, ...backends, ...apis, ...policies];
    const floor = all.reduce((max, entity) => (rowVersionOf(entity.etag) > max ? rowVersionOf(entity.etag) : max), 0n);
    const firstCreated = all.reduce((max, entity) => Math.max(max, entity.created + 1), 0);
    const state = new ApimState(dataDir, files, new EtagClock(floor), firstCreated);
    state.namedValues.restore(namedValues);
    state.backends.restore(backends);
    state.apis.restore(apis);
    state.policies.restore(policies);
    return state;
  }

  /** False until `markSeeded` ran in this data directory (first start, or after a reset). */
  async isSeeded(): Promise<boolean> {
    return access(join(this.dataDir, seededMarker)).then(
      () => true,
      () => false,
    );
  }

  async markSeeded(): Promise<void> {
    await this.files.flush();
    await writeFile(join(this.dataDir, seededMarker), new Date().toISOString());
  }

  /** Forgets every entity, in memory and on disk. */
  async clear(): Promise<void> {
    for (const collection of [this.namedValues, this.backends, this.apis, this.policies]) collection.clear();
    await rm(join(this.dataDir, seededMarker), { force: true });
    await this.files.wipe(kinds);
  }

  /** Resolves once every write issued so far is on disk. */
  flush(): Promise<void> {
    return this.files.flush();
  }
}
