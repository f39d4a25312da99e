import path from "node:path";
import { Worker } from "node:worker_threads";
import { TransactionAbortedError, messages, parse, types, type QueryOptions, type Results } from "@electric-sql/pglite";

/**
 * How many texts of statements sent without a name (Prisma's) the thread keeps prepared, the ones
 * used last (embedded-database-thread.mjs): the app's hot statements, not every text a long-running
 * process has sent (an `IN` list is a text per length).
 */
export const AUTO_PREPARED_TEXTS = 200;

/**
 * The embedded database (PGlite), running in a thread of its own (embedded-database-thread.mjs):
 * its WebAssembly PostgreSQL takes the machine's other core instead of half of the app's thread.
 * What callers see is PGlite's own interface, the part the app uses: `query`, `exec`,
 * `transaction` and `close`, with PGlite's rules — one statement at a time in one session, a
 * transaction's statements with nothing between them, rows parsed by PGlite's parsers (and the
 * caller's, `options.parsers`), errors as PGlite's `DatabaseError` — and `prepared`, a statement
 * parsed once per session (driver-sql.ts). Every PGlite the app, the migrator and the tests open
 * comes from here, with the extensions the migrations create (pg_trgm).
 */
export class EmbeddedDatabase {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  #nextId = 0;
  /** Set once the thread has ended: every later request fails with it. */
  #ended: Error | undefined;
  #nextTransaction = 0;
  /** PGlite's parsers by type id, with one per array type of this database (as PGlite builds them). */
  readonly #parsers: Record<number, (text: string, typeId?: number) => unknown> = { ...types.parsers };
  /** Resolves when the database is open; rejects with why it could not open (a data directory in use, damaged). */
  readonly waitReady: Promise<void>;

  constructor(dataDir?: string) {
    // A path, not `new URL(…, import.meta.url)`: Next.js would copy the file into its public static
    // files for that. Plain JavaScript needs none of the flags this process runs with (tsx's loader,
    // --input-type …).
    const thread = path.join(import.meta.dirname, "embedded-database-thread.mjs");
    this.#worker = new Worker(thread, {
      workerData: { dataDir, autoPreparedTexts: AUTO_PREPARED_TEXTS },
      execArgv: [],
    });
    this.#worker.unref();
    this.#worker.on("message", (answer: { id: number; result?: unknown; error?: ErrorFields }) => {
      const pending = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (answer.error) pending?.reject(rebuildError(answer.error));
      else pending?.resolve(answer.result);
    });
    const end = (error: Error) => {
      this.#ended ??= error;
      for (const pending of this.#pending.values()) pending.reject(this.#ended);
      this.#pending.clear();
    };
    this.#worker.on("error", (error) => end(new Error(`the embedded database's thread failed: ${error.message}`)));
    this.#worker.on("exit", (code) => end(new Error(`the embedded database's thread ended (exit code ${code})`)));
    this.waitReady = this.#request<Array<{ oid: number; typarray: number }>>("arrayTypes", {}).then((pairs) => {
      for (const { oid, typarray } of pairs)
        this.#parsers[typarray] = (text) => types.arrayParser(text, this.#parsers[oid]!, typarray);
    });
    // Each request waits for it and fails with its error; unheard here, an early failure would end the process.
    this.waitReady.catch(() => undefined);
  }

  /** One statement with parameters, alone in the session. */
  query<Row>(text: string, values: unknown[] = [], options?: QueryOptions): Promise<Results<Row>> {
    return this.#statement<Row>(text, values, options);
  }

  /**
   * A statement prepared once per session under `name` (a name per text: DriverSqlOptions.prepared),
   * alone in the session. Parsing and planning a long WITH statement costs more than running it.
   */
  async prepared<Row>(name: string, text: string, values: unknown[]): Promise<Row[]> {
    return (await this.#statement<Row>(text, values, undefined, undefined, name)).rows;
  }

  /** A script of statements (simple protocol), alone in the session: the results of each. */
  exec(text: string, options?: QueryOptions): Promise<Results[]> {
    return this.#script(text, options);
  }

  /**
   * `callback`'s statements in one transaction, nothing else in between: committed when it
   * returns, rolled back when it throws or calls `rollback` (PGlite's `transaction`).
   */
  async transaction<T>(callback: (tx: EmbeddedTransaction) => Promise<T>): Promise<T> {
    await this.waitReady;
    // The thread holds every other caller's statements from this BEGIN to its end.
    const id = this.#nextTransaction++;
    await this.#request("begin", { tx: id });
    let closed = false;
    const open = () => {
      if (closed) throw new Error("Transaction is closed");
    };
    const end = async (text: "COMMIT" | "ROLLBACK") => {
      closed = true;
      return this.#request<Message[]>("end", { tx: id, text });
    };
    const tx: EmbeddedTransaction = {
      query: async <Row>(text: string, values: unknown[] = [], options?: QueryOptions) => {
        open();
        return this.#statement<Row>(text, values, options, id);
      },
      exec: async (text: string, options?: QueryOptions) => {
        open();
        return this.#script(text, options, id);
      },
      rollback: async () => {
        open();
        await end("ROLLBACK");
      },
      get closed() {
        return closed;
      },
    };
    try {
      const result = await callback(tx);
      // COMMIT of a transaction an error aborted answers ROLLBACK: its work is gone.
      if (!closed && (await end("COMMIT")).some((m) => m.name === "commandComplete" && m.text === "ROLLBACK"))
        throw new TransactionAbortedError();
      return result;
    } catch (error) {
      if (!closed) await end("ROLLBACK");
      throw error;
    }
  }

  /** Closes the database after the statements already asked for, and ends its thread. */
  async close(): Promise<void> {
    if (this.#ended) return;
    await this.#request("close", {}).catch(() => undefined);
    await this.#worker.terminate();
  }

  async #statement<Row>(
    text: string,
    values: unknown[],
    options?: QueryOptions,
    tx?: number,
    name?: string,
  ): Promise<Results<Row>> {
    await this.waitReady;
    const answer = await this.#request<Message[]>("statement", { text, values, name, tx }).catch((error: unknown) => {
      // As PGlite's query: the failed statement's text and values travel with its error.
      if (error instanceof messages.DatabaseError)
        Object.assign(error, { query: text, params: values, queryOptions: options });
      throw error;
    });
    return parse.parseResults(answer as never, this.#parsers, options)[0] as Results<Row>;
  }

  async #script(text: string, options?: QueryOptions, tx?: number): Promise<Results[]> {
    await this.waitReady;
    const answer = await this.#request<Message[]>("script", { text, tx });
    return parse.parseResults(answer as never, this.#parsers, options);
  }

  #request<T>(op: string, request: object): Promise<T> {
    if (this.#ended) return Promise.reject(this.#ended);
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.#worker.postMessage({ ...request, op, id });
    });
  }
}

/** A transaction's statements (what PGlite's Transaction offers the app). */
export interface EmbeddedTransaction {
  query<Row>(text: string, values?: unknown[], options?: QueryOptions): Promise<Results<Row>>;
  exec(text: string, options?: QueryOptions): Promise<Results[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

/** A protocol message as it crossed the thread boundary: its fields, no longer its class. */
type Message = { name: string; text?: string };

type ErrorFields = { message: string; name?: string; database?: boolean; length?: number } & Record<string, unknown>;

/** The thread's error as the app's thread throws it: a DatabaseError (code, detail, constraint …) stays one. */
function rebuildError({ database, message, name, length, ...fields }: ErrorFields): Error {
  const error = database
    ? new messages.DatabaseError(message, length ?? 0, (name ?? "error") as messages.MessageName)
    : new Error(message);
  return Object.assign(error, fields);
}

/** The embedded database at `dataDir`, or in memory. */
export function openEmbeddedDatabase(dataDir?: string): EmbeddedDatabase {
  return new EmbeddedDatabase(dataDir);
}
