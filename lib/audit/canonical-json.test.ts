import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../sandbox/apim/faults/seeded-random";
import { canonicalEventJson, canonicalJson } from "./canonical-json";
import type { HashedAuditFields } from "./event-hash";

const EDGE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.1,
  1e21,
  1e-7,
  1e-6,
  123e-20,
  5e-324,
  -5e-324,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53 + 2,
  0.30000000000000004,
  1 / 3,
  100,
  1e20,
  4.35,
  9.999e22,
];
const EDGE_STRINGS = [
  "",
  "plain",
  'quote " backslash \\ slash /',
  "\u0000\u0001\u001f\u007f\u0080\u009f",
  "\b\f\n\r\t",
  "\u2028\u2029",
  "é日本語👍🏽 Zoë Ødegård",
  "\ud83d\ude00",
  "€",
  "\uffff\ufffe",
  "__proto__",
];

function randomString(rand: () => number): string {
  if (rand() < 0.3) return EDGE_STRINGS[Math.floor(rand() * EDGE_STRINGS.length)]!;
  const length = Math.floor(rand() * 12);
  let out = "";
  for (let i = 0; i < length; i++) {
    const r = rand();
    // ASCII, Latin-1, BMP, astral pairs; lone surrogates are added on purpose elsewhere.
    const code =
      r < 0.5
        ? 32 + Math.floor(rand() * 95)
        : r < 0.7
          ? Math.floor(rand() * 0x100)
          : r < 0.9
            ? 0x100 + Math.floor(rand() * (0xd7ff - 0x100))
            : 0x10000 + Math.floor(rand() * 0xfffff);
    out += String.fromCodePoint(code);
  }
  return out;
}

function randomNumber(rand: () => number): number {
  const r = rand();
  if (r < 0.4) return EDGE_NUMBERS[Math.floor(rand() * EDGE_NUMBERS.length)]!;
  if (r < 0.6) return Math.floor(rand() * 2 ** 31) * (rand() < 0.5 ? -1 : 1);
  if (r < 0.8) return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
  // Any double at all, from random bits.
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, Math.floor(rand() * 2 ** 32));
  view.setUint32(4, Math.floor(rand() * 2 ** 32));
  const value = view.getFloat64(0);
  return Number.isFinite(value) ? value : 0;
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 2 || r < 0.35) {
    const kind = Math.floor(rand() * 4);
    return kind === 0 ? randomString(rand) : kind === 1 ? randomNumber(rand) : kind === 2 ? rand() < 0.5 : null;
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 5); i > 0; i--) object[randomString(rand)] = randomValue(rand, depth + 1);
  return object;
}

function orNull(rand: () => number): string | null {
  return rand() < 0.3 ? null : randomString(rand);
}

function randomEvent(rand: () => number): HashedAuditFields {
  return {
    seq: String(Math.floor(rand() * 1e12)),
    id: randomString(rand),
    time: new Date(Math.floor(rand() * 4e12)).toISOString(),
    actor: { type: randomString(rand), oid: randomString(rand), tid: orNull(rand), name: randomString(rand) },
    action: randomString(rand),
    target: { type: randomString(rand), id: randomString(rand) },
    before: rand() < 0.3 ? null : randomValue(rand, 0),
    after: rand() < 0.2 ? null : randomValue(rand, 0),
    outcome: randomString(rand),
    requestId: orNull(rand),
    armCorrelationId: orNull(rand),
    clientIp: orNull(rand),
    prevHash: randomString(rand),
  };
}

/** What the package answers, or the message it throws. */
function expected(value: unknown): string {
  try {
    return canonicalize(value) ?? "undefined";
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

function actual(serialise: (value: never) => string, value: unknown): string {
  try {
    return serialise(value as never);
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

describe("canonicalJson and canonicalEventJson", () => {
  it("write exactly what the canonicalize package writes for 20,000 random events", () => {
    const rand = seededRandom(20261204);
    const differing: Array<{ event: unknown; want: string; fast: string; general: string }> = [];
    let threw = 0;
    for (let i = 0; i < 20_000; i++) {
      const event = randomEvent(rand);
      const want = expected(event);
      if (want.startsWith("throws ")) threw++;
      const fast = actual(canonicalEventJson, event);
      const general = actual(canonicalJson, event);
      if (fast !== want || general !== want) differing.push({ event, want, fast, general });
    }
    expect(differing.slice(0, 3)).toEqual([]);
    // Random strings are well-formed: nearly every event serialises.
    expect(threw).toBe(0);
  });

  it("throw where the package throws: lone surrogates in values and keys, NaN, Infinity", () => {
    const base = randomEvent(seededRandom(7));
    const cases: unknown[] = [
      { ...base, actor: { ...base.actor, name: "half \ud800 pair" } },
      { ...base, prevHash: "\udc00" },
      { ...base, after: { "key \ud83d": 1 } },
      { ...base, before: [1, "x\udfff"] },
      { ...base, after: { n: Number.NaN } },
      { ...base, after: [Number.POSITIVE_INFINITY] },
    ];
    for (const event of cases) {
      expect(expected(event)).toMatch(/^throws /);
      expect(actual(canonicalEventJson, event)).toBe(expected(event));
    }
  });

  it("follow the package for fields left undefined, values it skips or nulls, and toJSON", () => {
    const base = randomEvent(seededRandom(8));
    const cases: unknown[] = [
      { ...base, before: undefined },
      { ...base, clientIp: undefined, actor: { ...base.actor, tid: undefined } },
      { ...base, seq: 12 },
      { ...base, after: { a: undefined, b: [undefined, 1], c: new Date(0), d: { toJSON: () => "x" } } },
      { ...base, after: { b: 1, a: 2, B: 3, "\u00e9": 4, "\ud83d\ude00": 5, "\uffff": 6, "": 7 } },
    ];
    for (const event of cases) expect(actual(canonicalEventJson, event)).toBe(expected(event));
  });
});
