import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EtagClock, rowVersionOf } from "../arm/etag";
import { EntityCollection, type StoredEntity } from "./entity-collection";
import { EntityFiles } from "./entity-files";
import type {
  ApiRecord,
  BackendRecord,
  NamedValueRecord,
  OperationRecord,
  PolicyRecord,
  ProductApiRecord,
  ProductRecord,
  RoleAssignmentRecord,
  SubscriptionRecord,
} from "./records";

// `policies` holds the API policies (its name predates the other scopes; data directories keep it).
const kinds = [
  "namedValues",
  "backends",
  "apis",
  "policies",
  "products",
  "productApis",
  "operations",
  "servicePolicies",
  "productPolicies",
  "operationPolicies",
  "subscriptions",
  "roleAssignments",
] as const;
type Kind = (typeof kinds)[number];
const seededMarker = "seeded";

/**
 * The whole state of the simulated APIM service: every entity in memory, each mirrored to
 * its own file under the data directory (through a journal, see EntityFiles) so that a
 * restart finds it again.
 */
export class ApimState {
  readonly namedValues: EntityCollection<NamedValueRecord>;
  readonly backends: EntityCollection<BackendRecord>;
  readonly apis: EntityCollection<ApiRecord>;
  /** API policies, keyed by API. */
  readonly policies: EntityCollection<PolicyRecord>;
  readonly products: EntityCollection<ProductRecord>;
  readonly productApis: EntityCollection<ProductApiRecord>;
  readonly operations: EntityCollection<OperationRecord>;
  /** The global (service) policy: at most one, named `policy`. */
  readonly servicePolicies: EntityCollection<PolicyRecord>;
  readonly productPolicies: EntityCollection<PolicyRecord>;
  readonly operationPolicies: EntityCollection<PolicyRecord>;
  readonly subscriptions: EntityCollection<SubscriptionRecord>;
  /** Azure role assignments (on the model accounts), which the sandbox model decides managed-identity access by. */
  readonly roleAssignments: EntityCollection<RoleAssignmentRecord>;

  private constructor(
    private readonly dataDir: string,
    private readonly files: EntityFiles,
    clock: EtagClock,
    firstCreated: number,
  ) {
    let created = firstCreated;
    const nextCreated = () => created++;
    const collection = <T extends StoredEntity>(kind: Kind) => new EntityCollection<T>(kind, files, clock, nextCreated);
    this.namedValues = collection("namedValues");
    this.backends = collection("backends");
    this.apis = collection("apis");
    this.policies = collection("policies");
    this.products = collection("products");
    this.productApis = collection("productApis");
    this.operations = collection("operations");
    this.servicePolicies = collection("servicePolicies");
    this.productPolicies = collection("productPolicies");
    this.operationPolicies = collection("operationPolicies");
    this.subscriptions = collection("subscriptions");
    this.roleAssignments = collection("roleAssignments");
  }

  /** Loads the state kept in `dataDir` (empty on first start). */
  static async open(dataDir: string): Promise<ApimState> {
    await mkdir(dataDir, { recursive: true });
    const files = new EntityFiles(dataDir);
    const loaded = (await files.loadAll(kinds)) as Map<Kind, StoredEntity[]>;
    const all = [...loaded.values()].flat();
    const floor = all.reduce((max, entity) => (rowVersionOf(entity.etag) > max ? rowVersionOf(entity.etag) : max), 0n);
    const firstCreated = all.reduce((max, entity) => Math.max(max, entity.created + 1), 0);
    const state = new ApimState(dataDir, files, new EtagClock(floor), firstCreated);
    for (const kind of kinds) state.collection(kind).restore(loaded.get(kind) ?? []);
    return state;
  }

  /**
   * The version of the seed this data directory was seeded with (`markSeeded`), null before
   * the first seeding or after a reset. A directory seeded before versions were recorded
   * answers its marker's text (a date), which matches no version.
   */
  async seededWith(): Promise<string | null> {
    return readFile(join(this.dataDir, seededMarker), "utf8").then(
      (text) => text.trim(),
      () => null,
    );
  }

  async markSeeded(version: string): Promise<void> {
    await this.files.flush();
    await writeFile(join(this.dataDir, seededMarker), version);
  }

  /** Forgets every entity, in memory and on disk. */
  async clear(): Promise<void> {
    for (const kind of kinds) this.collection(kind).clear();
    await rm(join(this.dataDir, seededMarker), { force: true });
    await this.files.wipe(kinds);
  }

  private collection(kind: Kind): EntityCollection<StoredEntity> {
    return this[kind] as EntityCollection<StoredEntity>;
  }

  /** Resolves once every change so far is in its entity's file (the journal folded in, see EntityFiles). */
  flush(): Promise<void> {
    return this.files.flush();
  }
}
