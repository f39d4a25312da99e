import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A change not yet in its entity's file: the entity as saved, or null once deleted. */
type Change = { kind: string; key: string; value: unknown };

/** Beyond this many bytes the journal is folded into the entity files without waiting for a flush. */
const JOURNAL_LIMIT = 8 * 1024 * 1024;

/**
 * One JSON file per entity under `<dataDir>/<kind>/` (file names are a hash of the entity key:
 * APIM identifiers may hold characters, and lengths, a file name cannot), and in front of them a
 * journal, `<dataDir>/journal.ndjson`: each save or delete appends one line to it before the
 * simulator answers, and `flush` (on close, on a reset, or when the journal grows past
 * JOURNAL_LIMIT) writes the entities it names to their files, each to a temporary name renamed
 * into place, and drops it. Writing each entity's file on each save (a new file renamed over the
 * old one) cost ~250 µs of CPU per PUT on ext4, mostly in the kernel, against ~10 µs for an
 * append (bench/README.md, "The simulator's CPU"). What a restart finds is the same: every answered
 * change is on disk (neither way syncs it to the device), and opening reads the files, then the
 * journal of a process that stopped before folding it. A line cut short by a crash during its
 * append is skipped: its request was never answered.
 */
export class EntityFiles {
  /** The newest change of each entity named by the journal, by `kind/key`. */
  private changes = new Map<string, Change>();
  private journalBytes = 0;
  private folding: Promise<void> = Promise.resolve();

  constructor(private readonly dataDir: string) {}

  /** Every entity of `kinds` as a restart finds it: the files, then the journal's changes. */
  async loadAll(kinds: readonly string[]): Promise<Map<string, unknown[]>> {
    const byKind = new Map<string, Map<string, unknown>>();
    await Promise.all(
      kinds.map(async (kind) => {
        const directory = join(this.dataDir, kind);
        await mkdir(directory, { recursive: true });
        const names = (await readdir(directory)).filter((name) => name.endsWith(".json"));
        const read = await Promise.all(
          names.map(async (name) => [name, JSON.parse(await readFile(join(directory, name), "utf8"))] as const),
        );
        byKind.set(kind, new Map<string, unknown>(read));
      }),
    );
    for (const journal of [FOLDING, JOURNAL]) {
      for (const change of await readJournal(join(this.dataDir, journal))) {
        const entities = byKind.get(change.kind);
        if (!entities) continue;
        if (change.value === null) entities.delete(this.fileName(change.key));
        else entities.set(this.fileName(change.key), change.value);
        this.changes.set(`${change.kind}/${change.key}`, change);
      }
    }
    return new Map([...byKind].map(([kind, entities]) => [kind, [...entities.values()]]));
  }

  /** Records the entity; it is on disk when this returns (the promise is kept for the callers' sake). */
  write(kind: string, key: string, value: unknown): Promise<void> {
    this.append({ kind, key, value });
    return Promise.resolve();
  }

  remove(kind: string, key: string): Promise<void> {
    this.append({ kind, key, value: null });
    return Promise.resolve();
  }

  /** Deletes the files of `kinds` once the journal is folded into them. */
  async wipe(kinds: readonly string[]): Promise<void> {
    await this.flush();
    await Promise.all(kinds.map((kind) => rm(join(this.dataDir, kind), { recursive: true, force: true })));
    await Promise.all(kinds.map((kind) => mkdir(join(this.dataDir, kind), { recursive: true })));
  }

  /** Resolves once every change so far is in its entity's file and the journal holds none of them. */
  flush(): Promise<void> {
    this.folding = this.folding.then(() => this.fold());
    return this.folding;
  }

  private append(change: Change): void {
    const line = `${JSON.stringify(change)}\n`;
    appendFileSync(join(this.dataDir, JOURNAL), line);
    this.changes.set(`${change.kind}/${change.key}`, change);
    this.journalBytes += Buffer.byteLength(line);
    if (this.journalBytes > JOURNAL_LIMIT) {
      this.journalBytes = 0;
      // Folded in the background: the changes are on disk already, in the journal.
      void this.flush().catch((error: unknown) => console.error("APIM simulator: folding the journal failed", error));
    }
  }

  /**
   * The journal is renamed aside first, so saves meanwhile start a new one; a process stopped
   * halfway leaves the renamed journal, which opening reads before the new one.
   */
  private async fold(): Promise<void> {
    const changes = [...this.changes.values()];
    this.changes = new Map();
    this.journalBytes = 0;
    const folding = join(this.dataDir, FOLDING);
    try {
      await rename(join(this.dataDir, JOURNAL), folding).catch(ignoreMissing);
      await Promise.all(changes.map((change) => this.writeFile(change)));
    } catch (error) {
      // Folded again by the next flush, unless a newer change of the entity came meanwhile.
      for (const change of changes) {
        const id = `${change.kind}/${change.key}`;
        if (!this.changes.has(id)) this.changes.set(id, change);
      }
      throw error;
    }
    await unlink(folding).catch(ignoreMissing);
  }

  private async writeFile({ kind, key, value }: Change): Promise<void> {
    const path = join(this.dataDir, kind, this.fileName(key));
    if (value === null) return unlink(path).catch(ignoreMissing);
    const temporary = `${path}.${process.pid}.${temporaryCounter++}.tmp`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, path);
  }

  private fileName(key: string): string {
    return `${createHash("sha256").update(key).digest("hex").slice(0, 40)}.json`;
  }
}

/** Temporary file names unique in the process (two states may fold into one directory, as tests open it twice). */
let temporaryCounter = 0;

const JOURNAL = "journal.ndjson";
/** The journal being folded into the files (renamed aside, see fold). */
const FOLDING = "journal.folding.ndjson";

async function readJournal(path: string): Promise<Change[]> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const changes: Change[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      changes.push(JSON.parse(line) as Change);
    } catch {
      // Cut short by a crash while it was appended: that request was never answered.
    }
  }
  return changes;
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}
