import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./errors";
import { allowLineBreaks, formatPath, MAX_NESTING, parseInput, validateInput } from "./validation";

describe("input validation errors", () => {
  const schema = z.object({
    items: z.array(z.object({ id: z.string().uuid("must be a GUID") })),
    name: z.string().min(1, "must not be empty"),
  });

  it("names every bad field by its JSON path with the reason", () => {
    const error = (() => {
      try {
        parseInput(
          schema,
          { items: [{ id: "00000000-0000-0000-0000-000000000000" }, { id: "nope" }], name: "" },
          "request body",
        );
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("bad_request");
    expect((error as AppError).fields).toEqual([
      { path: "items[1].id", message: "must be a GUID" },
      { path: "name", message: "must not be empty" },
    ]);
    expect((error as AppError).message).toBe(
      "The request body is not valid: items[1].id must be a GUID; name must not be empty.",
    );
  });

  it("returns the parsed value when valid", () => {
    expect(parseInput(schema, { items: [], name: "x" })).toEqual({ items: [], name: "x" });
  });

  it("formats nested paths and prefixes", () => {
    expect(formatPath(["profile", "callerAuth", "audiences", 0])).toBe("profile.callerAuth.audiences[0]");
    expect(formatPath([])).toBe("(input)");
  });
});

describe("text that no input may hold", () => {
  const refusal = (schema: z.ZodType, value: unknown, prefix = "") => {
    try {
      parseInput(schema, value, "input", prefix);
    } catch (error) {
      return (error as AppError).fields;
    }
    return [];
  };
  const CONTROL = /must not contain control characters, unpaired surrogates or bidirectional controls/;
  const LINE_BREAK = /must not contain tabs or line breaks/;
  const profile = z.object({
    name: z.string().max(100),
    tags: z.array(z.string()).optional(),
    auth: z.discriminatedUnion("mode", [
      z.object({ mode: z.literal("key"), header: z.string() }),
      z.object({ mode: z.literal("none") }),
    ]),
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["BEL", "a\u0007"],
    ["DEL", "\u007f"],
    ["a C1 control", "a\u0085"],
    ["a lone high surrogate", "a\ud800"],
    ["a lone low surrogate", "\udc00b"],
    ["a right-to-left override", "admin\u202etxt.exe"],
    ["a first-strong isolate", "\u2068x"],
  ])("refuses %s anywhere, naming the field, without echoing the value", (_what, text) => {
    const fields = refusal(profile, { name: "ok", tags: ["x", text], auth: { mode: "key", header: text } });
    expect(fields.map((f) => f.path)).toEqual(["tags[1]", "auth.header"]);
    for (const field of fields) {
      expect(field.message).toMatch(CONTROL);
      expect(field.message).not.toContain(text);
    }
  });

  it("names query fields with their prefix, and object keys by the object holding them", () => {
    expect(refusal(z.object({ search: z.string() }), { search: "\u0000" }, "query")).toEqual([
      { path: "query.search", message: expect.stringMatching(CONTROL) },
    ]);
    expect(refusal(z.record(z.string(), z.string()), { "a\u0000": "x" })).toEqual([
      { path: "(input)", message: expect.stringMatching(/has a key that must not contain control characters/) },
    ]);
  });

  it("keeps paired surrogates (emoji) and ordinary text, including right-to-left scripts", () => {
    expect(parseInput(profile, { name: "😀 שלום مرحبا", auth: { mode: "none" } })).toMatchObject({
      name: "😀 שלום مرحبا",
    });
  });

  it("refuses tabs and line breaks unless the field allows them", () => {
    for (const text of ["a\tb", "a\nb", "a\r\nb"]) {
      expect(refusal(profile, { name: text, auth: { mode: "none" } })).toEqual([
        { path: "name", message: expect.stringMatching(LINE_BREAK) },
      ]);
    }
    const notes = allowLineBreaks(z.string().max(1000)).describe("Free text.");
    const withNotes = z.union([
      z.object({ kind: z.literal("a"), notes: notes.optional() }),
      z.object({ kind: z.literal("b"), other: z.string() }),
    ]);
    expect(parseInput(withNotes, { kind: "a", notes: "line 1\r\n\tline 2" })).toEqual({
      kind: "a",
      notes: "line 1\r\n\tline 2",
    });
    expect(refusal(withNotes, { kind: "b", other: "x\ny" })).toEqual([
      { path: "other", message: expect.stringMatching(LINE_BREAK) },
    ]);
    // Allowing line breaks allows nothing else.
    expect(refusal(withNotes, { kind: "a", notes: "x\u0000" }).map((f) => f.path)).toEqual(["notes"]);
  });

  it("reports the schema's own problems with the text problems, once per field", () => {
    expect(refusal(profile, { name: "a\u0000", auth: { mode: "key" } })).toEqual([
      { path: "name", message: expect.stringMatching(CONTROL) },
      { path: "auth.header", message: expect.any(String) },
    ]);
  });

  it("answers without throwing for pages that show problems beside the form", () => {
    expect(validateInput(profile, { name: "x\u202e", auth: { mode: "none" } })).toEqual({
      success: false,
      fields: [{ path: "name", message: expect.stringMatching(CONTROL) }],
    });
    expect(validateInput(profile, { name: "x", auth: { mode: "none" } })).toEqual({
      success: true,
      data: { name: "x", auth: { mode: "none" } },
    });
  });
});

describe("input nested too deeply", () => {
  const anything = z.object({ a: z.unknown() });
  const nested = (depth: number, open: (inner: unknown) => unknown) => {
    let value: unknown = "x";
    for (let level = 0; level < depth; level += 1) value = open(value);
    return value;
  };

  it("refuses, without overflowing the stack, a body nested thousands of levels deep", () => {
    for (const open of [(inner: unknown) => [inner], (inner: unknown) => ({ a: inner })])
      expect(validateInput(anything, { a: nested(20_000, open) })).toEqual({
        success: false,
        fields: [{ path: "(input)", message: `is nested more than ${MAX_NESTING} levels deep` }],
      });
    expect(() =>
      parseInput(
        anything,
        nested(MAX_NESTING + 1, (inner) => ({ a: inner })),
        "body",
        "body",
      ),
    ).toThrow("The body is not valid: body is nested more than 32 levels deep.");
  });

  it("takes input exactly as deep as allowed", () => {
    const deepest = nested(MAX_NESTING, (inner) => ({ a: inner }));
    expect(validateInput(anything, deepest)).toEqual({ success: true, data: deepest });
  });
});

describe("zod's own messages", () => {
  const body = z.strictObject({
    name: z.string(),
    events: z.array(z.string()),
    tier: z.enum(["Developer", "Premium"]),
    kind: z.literal("chat"),
    count: z.number().int(),
  });

  it("say what is missing or wrong in the words of every other message, and name an unknown field by its path", () => {
    expect(validateInput(body, { name: 123, tier: "Gold", kind: "x", count: 1.5, extra: true, more: 1 })).toEqual({
      success: false,
      fields: [
        { path: "name", message: "must be a string" },
        { path: "events", message: "is required" },
        { path: "tier", message: 'must be one of "Developer", "Premium"' },
        { path: "kind", message: 'must be "chat"' },
        { path: "count", message: "must be a whole number" },
        { path: "extra", message: "is not a field of this input" },
        { path: "more", message: "is not a field of this input" },
      ],
    });
  });

  it("leave a schema's own message as it is", () => {
    expect(validateInput(z.object({ a: z.string({ error: "must be text" }) }), {})).toEqual({
      success: false,
      fields: [{ path: "a", message: "must be text" }],
    });
  });
});
