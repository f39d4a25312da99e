import { serialize } from "pg-protocol";
import { describe, expect, it } from "vitest";
import { executedStatements, newProtocolSession } from "./pglite-statements";

const message = (...parts: Buffer[]) => new Uint8Array(Buffer.concat(parts));

describe("executedStatements", () => {
  it("names each Execute by the text its Bind's statement was parsed with, in this message or an earlier one", () => {
    const session = newProtocolSession();
    const prepare = message(
      serialize.parse({ name: "claim", text: "WITH taken AS (INSERT INTO api_locks …)", types: [] }),
      serialize.describe({ type: "S", name: "claim" }),
      serialize.sync(),
    );
    expect(executedStatements(prepare, session)).toEqual([]);

    const run = message(
      serialize.bind({ statement: "claim", values: ["é", null] }),
      serialize.describe({ type: "P" }),
      serialize.execute({}),
      serialize.sync(),
    );
    expect(executedStatements(run, session)).toEqual(["WITH taken AS (INSERT INTO api_locks …)"]);
    expect(executedStatements(run, session)).toEqual(["WITH taken AS (INSERT INTO api_locks …)"]);
  });

  it("counts the unnamed statement, simple queries, and nothing in the startup message", () => {
    const session = newProtocolSession();
    const unnamed = message(
      serialize.parse({ text: "SELECT $1::int", types: [] }),
      serialize.bind({ values: ["1"] }),
      serialize.execute({}),
      serialize.sync(),
    );
    expect(executedStatements(unnamed, session)).toEqual(["SELECT $1::int"]);
    expect(executedStatements(message(serialize.query("BEGIN")), session)).toEqual(["BEGIN"]);
    expect(
      executedStatements(message(serialize.startup({ user: "postgres", database: "template1" })), session),
    ).toEqual([]);
  });

  it("reads a message that is a view into a larger buffer", () => {
    const session = newProtocolSession();
    const inner = message(serialize.query("COMMIT"));
    const larger = new Uint8Array(inner.length + 7);
    larger.set(inner, 3);
    expect(executedStatements(larger.subarray(3, 3 + inner.length), session)).toEqual(["COMMIT"]);
  });
});
