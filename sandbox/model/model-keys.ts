import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { ModelAccount } from "./model-accounts";

const keysSchema = z.record(z.string(), z.string().min(1));

/**
 * The key each model account accepts, like Azure's key1: its initial value until a control
 * sets another (a regeneration on the model's side). Kept in `model-keys.json` so a restart
 * does not silently undo a regeneration.
 */
export class ModelKeys {
  private constructor(
    private readonly file: string,
    private readonly keys: Map<string, string>,
  ) {}

  static async open(dataDir: string, accounts: readonly ModelAccount[]): Promise<ModelKeys> {
    const file = path.join(dataDir, "model-keys.json");
    const saved = await readFile(file, "utf8").then(
      (text) => keysSchema.parse(JSON.parse(text)),
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return {} as Record<string, string>;
        throw error;
      },
    );
    const keys = new Map(accounts.map((account) => [account.name, saved[account.name] ?? account.initialKey]));
    return new ModelKeys(file, keys);
  }

  accepts(account: string, key: string): boolean {
    return this.keys.get(account) === key;
  }

  has(account: string): boolean {
    return this.keys.has(account);
  }

  async set(account: string, key: string): Promise<void> {
    this.keys.set(account, key);
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(Object.fromEntries(this.keys), null, 2), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
