import fc from "fast-check";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as secrets from "../../app/api/v1/instances/[id]/secrets/route";
import * as rotations from "../../app/api/v1/secrets/[id]/rotations/route";
import * as secret from "../../app/api/v1/secrets/[id]/route";
import { log } from "../log";
import { hasRefusedCharacters } from "../unsafe-text";
import { callRoute, type RouteCall } from "../../test/support/call-route";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { startRotation } from "../rotation/start-rotation";
import { createSecret } from "./create-secret";
import { fingerprintWithKey } from "./fingerprint";

/*
 * The security invariant as a property: whatever a secret value looks like, it never appears
 * in a database row (every table, audit_events included), a log line, an error or a response, on the
 * paths that succeed and on those that fail.
 *
 * Each value is a 20-character random marker followed by arbitrary content (JSON, XML, base64,
 * any Unicode, quotes and escapes, up to APIM's 4096 characters). We search for the marker,
 * which has ~119 bits of entropy and survives every encoding a leak could take (raw, JSON- or
 * URL-escaped), and for the whole value raw, JSON-escaped and base64: never for the content
 * alone, which may be a common word and would match by chance.
 *
 * Why 40 runs suffice: our code treats the value as opaque (it goes into the PUT body and the
 * HMAC), so a leak is either on a path, and then the first run shows it because each run takes
 * every path below, or it depends on the value's shape (say, a message quoting a value
 * with quotes or markup). 40 runs draw 80 values; the chance that one of the seven content
 * shapes is never drawn is 7·(6/7)^80 ≈ 0.003%. The test takes ~15 s per database engine on an idle
 * machine; each run starts rotations, and a rotation first reads every scope of the instance
 * (hand-written references), so under load it takes much longer: hence the generous timeout.
 */
const RUNS = 40;

const sandbox = setupSandboxHarness();
const captured: string[] = [];
let admin = "";
let reader = "";

beforeAll(async () => {
  admin = await sandbox.tokens.automation();
  reader = await sandbox.tokens.user("reader");
  // Every line pino writes, at every level, and everything written through console.
  log.level = "trace";
  const destination = Reflect.get(log, pino.symbols.streamSym) as { write(line: string): boolean };
  vi.spyOn(destination, "write").mockImplementation((line: string) => captured.push(line) > 0);
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation(
      (...args: unknown[]) =>
        void captured.push(
          args.map((arg) => (arg instanceof Error ? `${arg.stack}` : (JSON.stringify(arg) ?? String(arg)))).join(" "),
        ),
    );
  }
});
afterAll(() => {
  vi.restoreAllMocks();
  log.level = process.env.LOG_LEVEL ?? "info";
});

const marker = fc.noShrink(fc.noBias(fc.stringMatching(/^[A-Za-z0-9]{20}$/)));
const content = fc.oneof(
  fc.json(),
  fc
    .tuple(fc.string(), fc.string())
    .map(([name, text]) => `<set-header name="${name}" exists-action="override"><value>${text}</value></set-header>`),
  fc.base64String(),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    `"`,
    `'`,
    "`",
    "\\",
    `\\"'`,
    "{{other-secret}}",
    "@(context.Request.Headers)",
    "]]>",
    "\u0000\r\n\t",
    "%22&quot;&#34;",
    " ",
  ),
  fc.string({ minLength: 3000, maxLength: 4100 }),
);
/**
 * A valid secret value: marker first, at most 4096 UTF-16 units, cut on a code point boundary,
 * without the characters no input may hold (lib/unsafe-text.ts; a value with one is refused below).
 */
const secretValue = fc.tuple(marker, content).map(([head, tail]) => {
  let value = head;
  for (const char of tail) {
    if (hasRefusedCharacters(char)) continue;
    if (value.length + char.length > 4096) break;
    value += char;
  }
  return { marker: head, value };
});

const texts: string[] = [];
const instancePath = () => ({ path: `/instances/${sandbox.instance.id}/secrets`, params: { id: sandbox.instance.id } });
const secretPath = (id: string, suffix = "") => ({ path: `/secrets/${id}${suffix}`, params: { id } });
/** Every PUT to this named value (a pattern) fails: ARM answers 500. */
function armServerError(name: string): Promise<void> {
  const match = { methods: ["PUT" as const], path: `/namedValues/${name}$` };
  return sandbox.controls.setFaults({ rules: [{ kind: "serverError", rate: 1, status: 500, match }] });
}

/** Calls a route handler and keeps everything it answered: status line, headers and body. */
async function call(
  handler: Parameters<typeof callRoute>[0],
  request: RouteCall,
): Promise<{ status: number; body: { id?: string; code?: string } }> {
  const response = await callRoute(handler, request);
  texts.push(`${response.status} ${JSON.stringify([...response.headers])} ${JSON.stringify(response.body)}`);
  return response as { status: number; body: { id?: string; code?: string } };
}

/** Runs a use case that must fail and keeps everything about the error a caller could show. */
async function failure(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => expect.fail("should have failed"),
    (caught: unknown) => caught as Error & Record<string, unknown>,
  );
  texts.push(JSON.stringify({ ...error, message: error.message, stack: error.stack, cause: String(error.cause) }));
}

async function databaseText(): Promise<string[]> {
  const prisma = sandbox.db.prisma;
  const tables = await prisma.$queryRaw<Array<{ schema: string; name: string }>>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`;
  const rows = await Promise.all(
    tables.map(({ schema, name }) =>
      prisma.$queryRawUnsafe<Array<{ row: string }>>(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${name}" t`),
    ),
  );
  return rows.flat().map(({ row }) => row);
}

function findLeaks(values: Array<{ marker: string; value: string }>, places: Record<string, string[]>): string[] {
  const needles = values.flatMap(({ marker: head, value }) => [
    head,
    value,
    JSON.stringify(value).slice(1, -1),
    Buffer.from(value).toString("base64"),
  ]);
  return Object.entries(places).flatMap(([place, lines]) =>
    lines.flatMap((line) =>
      needles
        .filter((needle) => line.includes(needle))
        .map((needle) => `${place}: ${line.slice(Math.max(0, line.indexOf(needle) - 80), line.indexOf(needle) + 40)}`),
    ),
  );
}

let run = 0;

describe("secret values never leak", () => {
  it("captures log lines (the capture itself works)", () => {
    log.info({ canary: "capture-canary-7d1e" }, "canary");
    expect(captured.some((line) => line.includes("capture-canary-7d1e"))).toBe(true);
  });

  it(
    `appear in no table, log line, audit event, error or response, on success and failure paths (${RUNS} runs)`,
    { timeout: 300_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(secretValue, secretValue, async (first, second) => {
          run += 1;
          const name = `leak-${run}`;
          texts.length = 0;
          captured.length = 0;
          const { value } = first;

          const created = await call(secrets.POST, { ...instancePath(), token: admin, body: { name, value } });
          expect(created.status).toBe(201);
          const id = created.body.id!;
          expect(
            (await call(secrets.POST, { ...instancePath(), token: admin, body: { name, value: second.value } })).status,
          ).toBe(409);
          expect(
            (await call(secrets.POST, { ...instancePath(), token: admin, body: { name: `${name} invalid!`, value } }))
              .status,
          ).toBe(400);
          expect(
            (
              await call(secrets.POST, {
                ...instancePath(),
                token: admin,
                body: { name: `${name}-nul`, value: `${value}\u0000` },
              })
            ).status,
          ).toBe(400);
          expect(
            (
              await call(secrets.POST, {
                ...instancePath(),
                token: admin,
                body: { name: `${name}-long`, value: value.padEnd(4097, "#") },
              })
            ).status,
          ).toBe(400);
          expect(
            (await call(secrets.POST, { ...instancePath(), token: reader, body: { name: `${name}-denied`, value } }))
              .status,
          ).toBe(403);
          // Rotation (lib/rotation) writes the key to a new named value `<name>-r<time>`: fail it first.
          // The key in effect is refused as a new one before anything is written.
          expect(
            (await call(rotations.POST, { ...secretPath(id, "/rotations"), token: admin, body: { value } })).body.code,
          ).toBe("bad_request");
          await armServerError(`${name}-r\\d+`);
          // By code, not HTTP status: problem+json currently takes its status from ARM's (see README).
          expect(
            (
              await call(rotations.POST, {
                ...secretPath(id, "/rotations"),
                token: admin,
                body: { value: second.value },
              })
            ).body.code,
          ).toBe("unavailable");
          await failure(startRotation(contextFor("admin"), { secretId: id, value: second.value }));
          await sandbox.controls.clearFaults();
          expect(
            (await call(rotations.POST, { ...secretPath(id, "/rotations"), token: reader, body: { value } })).status,
          ).toBe(403);
          expect(
            (
              await call(rotations.POST, {
                ...secretPath(id, "/rotations"),
                token: admin,
                body: { value: second.value },
              })
            ).status,
          ).toBe(201);
          await armServerError(`${name}-5xx`);
          expect(
            (await call(secrets.POST, { ...instancePath(), token: admin, body: { name: `${name}-5xx`, value } })).body
              .code,
          ).toBe("unavailable");
          await sandbox.controls.clearFaults();
          await failure(
            createSecret(contextFor("admin"), { instanceId: sandbox.instance.id, name: "not valid", value }),
          );

          expect(
            (await call(secrets.GET, { ...instancePath(), path: `${instancePath().path}?limit=200`, token: reader }))
              .status,
          ).toBe(200);
          expect((await call(secret.GET, { ...secretPath(id), token: reader })).status).toBe(200);

          const database = await databaseText();
          // The dump holds what this run wrote (its fingerprints), so an empty or stale dump cannot pass.
          expect(database.join("\n")).toContain(fingerprintWithKey(process.env.FINGERPRINT_KEY!, second.value));
          expect(
            findLeaks([first, second], { "database row": database, "log line": captured, "response or error": texts }),
          ).toEqual([]);
        }),
        // No shrinking: every step would replay a dozen ARM calls, and the leak report already
        // says where the value was found.
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(run).toBe(RUNS);
    },
  );
});
