import { describe, expect, it } from "vitest";
import { seededRandom } from "../../sandbox/apim/faults/seeded-random";
import { hashAuditEvent } from "./event-hash";
import { hashedFieldsOf, hashOfRow, isoTimeOf, type EventRow } from "./event-rows";

// Text a column may hold: plain, and every kind of character JSON escapes or the fast path refuses.
const TEXTS = [
  "",
  "plain",
  "api-00042",
  "Rita Ræreløv",
  "李 Ødegård 👍🏽",
  'quote " inside',
  "back\\slash",
  "tab\tnewline\n",
  "\u0000\u001f\u007f",
  "\u2028\u2029",
  "\ud83d\ude00",
  "slash / and <markup>",
];
const JSONS = [
  null,
  "null",
  '{"n": 5, "ok": true}',
  '{"b": [1, 2.5, -0, 1e21, 1e-7], "a": {"z": null, "é": "x"}}',
  '{"10": "int key", "2": "first", "k": "v"}',
  '{"text": "quote \\" and \\\\ and \\n and \\u0001"}',
  '"just a string"',
  "[]",
  "123.4500",
];

function row(rand: () => number): EventRow {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const text = () => pick(TEXTS);
  const maybe = () => (rand() < 0.3 ? null : text());
  const ms = Math.floor((rand() - 0.3) * 4e12);
  return [
    String(1 + Math.floor(rand() * 1e9)),
    "8acd0eb5-a16c-48d4-a82c-a8b1b3d4b4eb",
    String(ms),
    text(),
    text(),
    maybe(),
    text(),
    text(),
    text(),
    text(),
    pick(JSONS),
    pick(JSONS),
    text(),
    maybe(),
    maybe(),
    maybe(),
    rand() < 0.8 ? "e6f55a894e67359c2cb854d9e6f987d6eca297cc0875ed94a37436361a57858b" : text(),
    "425d299948808fa2443400e093dc7623487a7b47265ea2edd02e04a38797248f",
  ];
}

describe("event rows written straight to text", () => {
  const rand = seededRandom(12);
  const rows = Array.from({ length: 3000 }, () => row(rand));
  // Most rows of a real history are plain: the fast path must be the one tested most.
  const plainRows = Array.from({ length: 2000 }, () => row(rand)).map((r) =>
    r.map((value, i) => (i === 10 || i === 11 || value === null ? value : value.replace(/[^ -~]|["\\]/g, "x"))),
  );

  it("hashes a row exactly as hashAuditEvent hashes its fields", () => {
    for (const r of [...rows, ...plainRows]) expect(hashOfRow(r)).toBe(hashAuditEvent(hashedFieldsOf(r)));
  });

  it("writes times exactly as Date#toISOString, across days, years and the epoch", () => {
    const times = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, 1764547314707, 253402300799999, 253402300800000];
    times.push(-62198755200000, 8.64e15, -8.64e15);
    for (let i = 0; i < 5000; i++) times.push(Math.floor((rand() - 0.5) * 2e14));
    for (const t of times) expect(isoTimeOf(String(t))).toBe(new Date(t).toISOString());
    expect(() => isoTimeOf(String(8.64e15 + 1))).toThrow(RangeError);
    expect(() => isoTimeOf("not a number")).toThrow(RangeError);
  });

  it("notices a changed column", () => {
    const r = plainRows[0]!;
    const changed = [...r];
    changed[6] = `${r[6]}!`;
    expect(hashOfRow(changed)).not.toBe(hashOfRow(r));
  });
});
