// The embedded database (PGlite) in a thread of its own. PGlite is PostgreSQL compiled to
// WebAssembly: every statement runs on the thread that calls it, and in the app's thread that
// was about half of its CPU during an apply (bench/README.md, "PGlite in a thread of its own").
// Here it runs beside the app's thread, on the machine's other core. The app's side
// (embedded-database.ts) sends one request per statement and keeps PGlite's rules: one request
// at a time, a transaction's statements together; this side runs each request and answers with
// the protocol messages PostgreSQL sent, which the app's side turns into rows with its parsers.
// Plain JavaScript: a worker thread loads it as it is, under tsx, Vitest and Next.js alike.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, messages, parse, protocol } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

const { serialize } = protocol;

// pg_trgm: its trigram index serves the audit actor filter (part of a name). Options first:
// PGlite ignores them when they follow an undefined data directory.
const pglite = new PGlite({ dataDir: workerData.dataDir, extensions: { pg_trgm } });

/** Parameter types of the named statements prepared in this session, by name. */
const preparedTypes = new Map();

/** @param {Uint8Array[]} messages */
function send(...messages) {
  const all = new Uint8Array(messages.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of messages) {
    all.set(part, offset);
    offset += part.length;
  }
  return pglite.execProtocolStream(all, { syncToFs: false });
}

/**
 * Statements that come without a name (Prisma's, the migrator's, the tests') and read or write
 * rows are prepared under a name of this thread's the first time their text comes, and run by
 * that name after: parsing and planning them costs more than running them (bench/README.md,
 * apply, `autoprep`: Prisma's read of an API with its instance 0.82 ms unnamed, 0.29 ms
 * prepared). The `workerData.autoPreparedTexts` texts used last are kept; the one used longest
 * ago is closed when a new one comes. Any other statement, or a script, may change what a
 * prepared statement returns (a column added, a table replaced), so every one of them is
 * closed first: PostgreSQL replans a prepared statement after such a change, but refuses to run
 * one whose columns changed.
 */
const autoPrepared = new Map(); // text → name, the text used longest ago first
/** Auto-prepared statements no longer in the map, closed before the next statement outside a transaction. */
let toClose = [];
let autoPreparedCount = 0;
/** A statement that reads or writes rows: its first word after any comments (or a parenthesis, which starts a query). */
const READS_OR_WRITES_ROWS =
  /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:\(|(?:SELECT|INSERT|UPDATE|DELETE|WITH|VALUES|TABLE)\b)/i;

/**
 * The name a statement runs by: its own, the one its text was prepared by, a new one (`isNew`:
 * kept once it has parsed), or none (parsed each time).
 */
function nameFor(text, name) {
  if (name) return { name, isNew: false };
  if (!READS_OR_WRITES_ROWS.test(text)) {
    forgetAutoPrepared();
    return { name: "", isNew: false };
  }
  const known = autoPrepared.get(text);
  if (known) {
    autoPrepared.delete(text);
    autoPrepared.set(text, known);
    return { name: known, isNew: false };
  }
  // Room for it: the text used longest ago is let go of.
  if (autoPrepared.size >= workerData.autoPreparedTexts) {
    const [oldest, oldestName] = autoPrepared.entries().next().value;
    autoPrepared.delete(oldest);
    toClose.push(oldestName);
  }
  return { name: `portcullis_auto_${++autoPreparedCount}`, isNew: true };
}

function forgetAutoPrepared() {
  toClose.push(...autoPrepared.values());
  autoPrepared.clear();
}

/** Closes the auto-prepared statements let go of, once no transaction is open (nothing of a transaction's in between). */
async function closeLetGo() {
  if (toClose.length === 0 || pglite.isInTransaction()) return;
  const names = toClose;
  toClose = [];
  for (const name of names) preparedTypes.delete(name);
  await send(...names.map((name) => serialize.close({ type: "S", name })), serialize.sync());
}

/**
 * One statement with parameters (extended protocol): Parse and Describe then Sync, to learn
 * the parameters' types, then Bind/Describe/Execute/Sync as one message. A named statement
 * (`name`, or one named here: above) is parsed once per session. A failed message ends with its
 * own Sync, so the session is ready again. Values are serialized by their parameter's type, as
 * PGlite's `query` does.
 */
async function statement({ text, values, name: given = "" }) {
  const { name, isNew } = nameFor(text, given);
  await closeLetGo();
  let types = name ? preparedTypes.get(name) : undefined;
  if (!types) {
    const describe = [serialize.describe({ type: "S", name }), serialize.sync()];
    const described = await send(serialize.parse({ name, text, types: [] }), ...describe).catch((error) => {
      // Prepared by an earlier client of this session whose types this map lost: describe it only.
      if (error?.code !== "42P05") throw error;
      return send(...describe);
    });
    types = parse.parseDescribeStatementResults(described);
    if (name) preparedTypes.set(name, types);
    if (isNew) autoPrepared.set(text, name);
  }
  const serialized = values.map((value, index) => {
    if (value === null || value === undefined) return null;
    const serializer = pglite.serializers[types[index]];
    return serializer ? serializer(value) : String(value);
  });
  const messages = await send(
    serialize.bind({ statement: name, values: serialized }),
    serialize.describe({ type: "P" }),
    serialize.execute({}),
    serialize.sync(),
  );
  if (!pglite.isInTransaction()) await pglite.syncToFs();
  return messages;
}

/** Simple protocol: one message, any number of statements, as PGlite's `exec` runs them. */
async function simpleQuery(text) {
  const messages = await send(serialize.query(text));
  if (!pglite.isInTransaction()) await pglite.syncToFs();
  return messages;
}

/** A script of statements: any of them may change what a prepared statement returns (above). */
async function script({ text }) {
  forgetAutoPrepared();
  await closeLetGo();
  return simpleQuery(text);
}

/** The (element, array) type pairs the app's side needs for array parsers, as PGlite reads them. */
async function arrayTypes() {
  const { rows } = await pglite.query(
    `SELECT b.oid, b.typarray FROM pg_catalog.pg_type a
     LEFT JOIN pg_catalog.pg_type b ON b.oid = a.typelem
     WHERE a.typcategory = 'A' GROUP BY b.oid, b.typarray ORDER BY b.oid`,
  );
  return rows;
}

/** Closes the database; a database that never opened has nothing to close. */
async function close() {
  await pglite.close().catch(() => undefined);
  return null;
}

const operations = {
  statement,
  script,
  arrayTypes,
  close,
  begin: () => simpleQuery("BEGIN"),
  end: ({ text }) => simpleQuery(text),
};

/** An error as plain fields: a DatabaseError's code, detail, constraint … survive the thread boundary. */
function errorFields(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  return { ...error, message: error.message, name: error.name, database: error instanceof messages.DatabaseError };
}

// A database that cannot open (a data directory in use, damaged) answers every request with why.
const ready = pglite.waitReady;
ready.catch(() => {});

/** The transaction open in the session (its id), whose statements alone run until it ends. */
let current;
/** Requests that came while another caller's transaction was open, in the order they came. */
let waiting = [];
/** Runs the session's requests one at a time, in the order they were let in. */
let queue = Promise.resolve();

/**
 * Lets a request into the session's queue, or holds it while a transaction it is not part of is
 * open: the app's side sends every caller's statements as they come, so the database is never
 * idle waiting for the app's thread to send the next one, and a transaction still sees nothing
 * of anyone else's between its BEGIN and its end.
 */
function dispatch(request) {
  if (current !== undefined && request.tx !== current) {
    waiting.push(request);
    return;
  }
  if (request.op === "begin") current = request.tx;
  const ends = request.op === "end";
  queue = queue
    .then(() => ready)
    .then(() => operations[request.op](request))
    .then(
      (result) => parentPort.postMessage({ id: request.id, result }),
      (error) => {
        // A BEGIN that failed opened nothing: the others may go on.
        if (request.op === "begin" && current === request.tx) release();
        parentPort.postMessage({ id: request.id, error: errorFields(error) });
      },
    );
  if (ends) release();
}

/** The open transaction has ended (its end is queued): what waited goes in, in its order. */
function release() {
  current = undefined;
  const held = waiting;
  waiting = [];
  for (const request of held) dispatch(request);
}

parentPort.on("message", dispatch);
