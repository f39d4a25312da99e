import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * One JSON file per entity under `<dataDir>/<kind>/`, so a write costs one small file, not
 * the whole state. Files are written to a temporary name and renamed into place (atomic on
 * POSIX), and writes to the same file are chained so the last one issued is the one kept.
 * File names are a hash of the entity key: APIM identifiers may hold characters (and
 * lengths) a file name cannot.
 */
export class EntityFiles {
  private readonly pending = new Map<string, Promise<void>>();
  private temporaryCounter = 0;

  constructor(private readonly dataDir: string) {}

  async load(kind: string): Promise<unknown[]> {
    const directory = join(this.dataDir, kind);
    await mkdir(directory, { recursive: true });
    const names = (await readdir(directory)).filter((name) => name.endsWith(".json"));
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(directory, name), "utf8")) as unknown));
  }

  write(kind: string, key: string, value: unknown): Promise<void> {
    const path = this.pathOf(kind, key);
    const json = JSON.stringify(value);
    return this.chain(path, async () => {
      const temporary = `${path}.${process.pid}.${this.temporaryCounter++}.tmp`;
      await writeFile(temporary, json);
      await rename(temporary, path);
    });
  }

  remove(kind: string, key: string): Promise<void> {
    const path = this.pathOf(kind, key);
    return this.chain(path, () => unlink(path).catch(ignoreMissing));
  }

  /** Deletes the files of `kinds` after every pending write has landed. */
  async wipe(kinds: readonly string[]): Promise<void> {
    await this.flush();
    await Promise.all(kinds.map((kind) => rm(join(this.dataDir, kind), { recursive: true, force: true })));
    await Promise.all(kinds.map((kind) => mkdir(join(this.dataDir, kind), { recursive: true })));
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending.values()]);
  }

  private pathOf(kind: string, key: string): string {
    return join(this.dataDir, kind, `${createHash("sha256").update(key).digest("hex").slice(0, 40)}.json`);
  }

  private chain(path: string, step: () => Promise<void>): Promise<void> {
    const previous = this.pending.get(path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(step);
    this.pending.set(path, next);
    const forget = () => {
      if (this.pending.get(path) === next) this.pending.delete(path);
    };
    next.then(forget, forget);
    return next;
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}
