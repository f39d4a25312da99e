import { describe, expect, it } from "vitest";
import type { ScopeDocument } from "./effective-input";
import { API_KEY_HEADER, BEGIN, END, outline, policy, scopes } from "./__fixtures__/scope-documents";
import { loadReferencePolicies } from "../__fixtures__/reference-policies";
import { sampleProfiles } from "../__fixtures__/sample-profiles";
import { isDeeplyFrozen } from "../document/remembered-per-document";
import type { AccessProfile } from "../profile-schema";
import { composeEffectivePipeline } from "./compose-pipeline";

const global = policy({
  inbound: ['<set-variable name="g" value="1" />'],
  backend: ["<forward-request />"],
  outbound: [],
  "on-error": [],
});
const product = policy({
  inbound: ['<set-variable name="p1" value="1" />', "<base />", '<set-variable name="p2" value="1" />'],
});

describe("composeEffectivePipeline: <base /> placement", () => {
  it('"Place the base element within a section to inherit all policies from the corresponding section at the parent (broader) scope", where it stands', () => {
    const api = policy({
      inbound: ['<set-variable name="a1" value="1" />', "<base />", '<set-variable name="a2" value="1" />'],
    });
    const operation = policy({ inbound: ["<base />", '<set-variable name="o" value="1" />'] });
    const pipeline = composeEffectivePipeline(scopes({ global, product, api, operation }));
    expect(outline(pipeline.sections.inbound.statements)).toEqual([
      "set-variable@api:3",
      "set-variable@product:3",
      "set-variable@global:3",
      "set-variable@product:5",
      "set-variable@api:5",
      "set-variable@operation:4",
    ]);
    expect(outline(pipeline.sections.backend.statements)).toEqual(["forward-request@global:6"]);
    expect(pipeline.sections.inbound.skipped).toEqual([]);
  });

  it('"To prevent inheriting policies from the corresponding section in the parent scope, remove the base element"', () => {
    const api = policy({
      inbound: ['<set-variable name="a" value="1" />', '<validate-jwt header-name="Authorization" />'],
    });
    const operation = policy({ inbound: ['<set-variable name="o" value="1" />'] });
    const pipeline = composeEffectivePipeline(scopes({ global, api, operation }));
    expect(outline(pipeline.sections.inbound.statements)).toEqual(["set-variable@operation:3"]);
    expect(pipeline.sections.inbound.skipped).toHaveLength(1);
    expect(pipeline.sections.inbound.skipped[0]?.by).toBe("operation");
    expect(outline(pipeline.sections.inbound.skipped[0]?.statements ?? [])).toEqual([
      "set-variable@api:3",
      "validate-jwt@api:4",
    ]);
    expect(pipeline.scopes.find((scope) => scope.scope === "operation")?.sectionsWithoutBase).toEqual(["inbound"]);
  });

  it('"A globally scoped policy has no parent scope, and using the base element in it has no effect"', () => {
    const withBase = policy({
      inbound: ["<base />", '<set-variable name="g" value="1" />'],
      backend: ["<base />", "<forward-request />"],
    });
    const pipeline = composeEffectivePipeline(scopes({ global: withBase }));
    expect(outline(pipeline.sections.inbound.statements)).toEqual(["set-variable@global:4"]);
    expect(pipeline.sections.inbound.skipped).toEqual([]);
  });

  it("without a product the API's parent is the global scope; a scope without policy runs its parent's statements", () => {
    const pipeline = composeEffectivePipeline(scopes({ global, operation: { status: "none" } }));
    expect(outline(pipeline.sections.inbound.statements)).toEqual(["set-variable@global:3"]);
    expect(pipeline.productId).toBeNull();
    expect(pipeline.scopes.map((scope) => [scope.scope, scope.status])).toEqual([
      ["operation", "none"],
      ["api", "policy"],
      ["global", "policy"],
    ]);
  });

  it("keeps each statement's scope, line and whether it stands in the Portcullis block", () => {
    const api = policy({
      inbound: [
        "<base />",
        BEGIN,
        API_KEY_HEADER,
        END,
        '<set-header name="x-other" exists-action="override"><value>1</value></set-header>',
      ],
    });
    const pipeline = composeEffectivePipeline(scopes({ global, api }));
    expect(outline(pipeline.sections.inbound.statements)).toEqual([
      "set-variable@global:3",
      "set-header@api:5*",
      "set-header@api:7",
    ]);
    const [, managed, other] = pipeline.sections.inbound.statements;
    expect(managed).toMatchObject({ role: "header", credential: true, header: { text: "api-key" } });
    expect(other).toMatchObject({ role: "header", credential: false });
  });

  it("keeps choose with its conditions and classifies what is inside", () => {
    const api = policy({
      inbound: [
        "<base />",
        "<choose>",
        '<when condition="@(context.Request.Method == &quot;GET&quot;)">',
        '<return-response><set-status code="403" reason="no" /></return-response>',
        "</when>",
        "<otherwise>",
        '<set-backend-service backend-id="b" />',
        "</otherwise>",
        "</choose>",
      ],
    });
    const pipeline = composeEffectivePipeline(scopes({ global, api }));
    const choose = pipeline.sections.inbound.statements[1];
    expect(choose).toMatchObject({
      role: "choose",
      line: 4,
      branches: [
        {
          condition: { kind: "expression", line: 5, text: '@(context.Request.Method == "GET")' },
          statements: [{ role: "answer", status: { text: "403", kind: "literal" }, line: 6 }],
        },
        { condition: null, statements: [{ role: "backend-target", backendId: { text: "b" }, line: 9 }] },
      ],
    });
  });

  it("shows include-fragment as undetermined unless the fragment is given, and then its statements with the fragment's lines", () => {
    const api = policy({ inbound: ["<base />", '<include-fragment fragment-id="auth" />'] });
    const without = composeEffectivePipeline(scopes({ global, api }));
    expect(without.sections.inbound.statements[1]).toMatchObject({
      role: "undetermined",
      element: "include-fragment",
      line: 4,
    });
    expect(without.notes).toContainEqual({
      kind: "undetermined",
      scope: "api",
      line: 4,
      message: "fragment 'auth' was not given, so what it does here is undetermined",
    });
    const withFragment = composeEffectivePipeline(
      scopes({
        global,
        api,
        fragments: { auth: '<fragment>\n<validate-jwt header-name="Authorization" />\n</fragment>' },
      }),
    );
    expect(withFragment.sections.inbound.statements[1]).toMatchObject({
      role: "caller-check",
      element: "validate-jwt",
      scope: "api",
      fragment: "auth",
      line: 2,
    });
    expect(withFragment.notes).toEqual([]);
  });

  it("marks an unreadable scope as undetermined, keeping what may run there, and says why", () => {
    const pipeline = composeEffectivePipeline(
      scopes({
        global,
        product: { status: "unreadable", reason: "ARM answered 403 AuthorizationFailed", armStatus: 403 },
      }),
    );
    const [placeholder] = pipeline.sections.inbound.statements;
    expect(placeholder).toMatchObject({ role: "undetermined", scope: "product" });
    expect(outline(placeholder?.role === "undetermined" ? placeholder.possibly : [])).toEqual([
      "set-variable@global:3",
    ]);
    expect(pipeline.scopes[1]).toMatchObject({ scope: "product", status: "unreadable", armStatus: 403 });
    expect(pipeline.notes.some((note) => note.scope === "product" && note.message.includes("403"))).toBe(true);
  });

  it("a policy that does not parse is an unreadable scope with the parse error", () => {
    const pipeline = composeEffectivePipeline(
      scopes({ global, api: { status: "policy", text: "<policies><inbound>" } }),
    );
    expect(pipeline.scopes[0]).toMatchObject({
      scope: "api",
      status: "unreadable",
      reason: expect.stringContaining("line 1"),
    });
    expect(pipeline.sections.inbound.statements[0]).toMatchObject({ role: "undetermined", scope: "api" });
  });

  it("a missing section runs the parent's statements, with a note that the documentation does not say", () => {
    const operation = policy({ inbound: ["<base />"], backend: undefined });
    const pipeline = composeEffectivePipeline(scopes({ global, operation }));
    expect(outline(pipeline.sections.backend.statements)).toEqual(["forward-request@global:6"]);
    expect(pipeline.scopes[0]?.missingSections).toEqual(["backend"]);
    expect(
      pipeline.notes.some((note) => note.scope === "operation" && note.message.includes("no <backend> section")),
    ).toBe(true);
  });

  it("a <base /> inside a branch or a second one is undetermined, not guessed", () => {
    const api = policy({
      inbound: ["<base />", "<base />", '<choose><when condition="true"><base /></when></choose>'],
    });
    const pipeline = composeEffectivePipeline(scopes({ global, api }));
    expect(outline(pipeline.sections.inbound.statements)).toEqual([
      "set-variable@global:3",
      "base@api:4",
      "choose@api:5",
      "  base@api:5",
    ]);
    expect(pipeline.notes).toHaveLength(2);
  });
});

describe("composeEffectivePipeline: a document is parsed once for many calls", () => {
  it("composes the same as the first time when the global and product policies are met again in another call", () => {
    const api = (name: string) => policy({ inbound: ["<base />", `<set-variable name="${name}" value="1" />`] });
    const first = composeEffectivePipeline(scopes({ global, product, api: api("a") }));
    const other = composeEffectivePipeline(scopes({ global, product, api: api("b") }));
    const again = composeEffectivePipeline(scopes({ global, product, api: api("a") }));
    expect(again).toEqual(first);
    expect(outline(other.sections.inbound.statements)).toEqual(outline(first.sections.inbound.statements));
    // A document that no longer parses is reported, not served from an earlier parse of other text.
    const text = (global as { text: string }).text;
    const broken = composeEffectivePipeline(
      scopes({ global: { status: "policy", text: `${text}<` }, product, api: api("a") }),
    );
    expect(broken.scopes.find((scope) => scope.scope === "global")?.status).toBe("unreadable");
  });
});

describe("composeEffectivePipeline: a scope document's layer is read once for many calls", () => {
  const header = (name: string) =>
    policy({
      inbound: ["<base />", `<set-header name="${name}" exists-action="override"><value>x</value></set-header>`],
    });
  const setHeader = (pipeline: ReturnType<typeof composeEffectivePipeline>) =>
    pipeline.sections.inbound.statements.find((statement) => statement.element === "set-header");
  const withKeyHeader = (headerName: string): AccessProfile => {
    const profile = sampleProfiles["apikey-header--entra"];
    if (profile.backendAuth.mode !== "apiKey") throw new Error("an API-key profile");
    return { ...profile, backendAuth: { ...profile.backendAuth, headerName } };
  };

  it("gives every API holding the same document the same statements, under its own id", () => {
    const api = policy({ inbound: ["<base />", '<set-variable name="shared" value="1" />'] });
    const one = composeEffectivePipeline({ global, api: { id: "api-one", document: api } });
    const two = composeEffectivePipeline({ global, api: { id: "api-two", document: api } });
    expect(one.scopes.map((scope) => scope.id)).toEqual(["api-one", null]);
    expect(two.scopes.map((scope) => scope.id)).toEqual(["api-two", null]);
    // Remembered: the statements are the very objects of the first call, frozen so no caller changes them for the next.
    expect(two.sections.inbound.statements[0]).toBe(one.sections.inbound.statements[0]);
    expect(isDeeplyFrozen(two.sections.inbound.statements[0]!)).toBe(true);
    expect(two.notes).toEqual(one.notes);
  });

  it("classifies the same document for each call's own credential headers and scope", () => {
    const api = header("x-gemini-key");
    const plain = () => setHeader(composeEffectivePipeline(scopes({ global, api })));
    expect(plain()).toMatchObject({ role: "header", credential: false });
    expect(
      setHeader(composeEffectivePipeline(scopes({ global, api, profile: withKeyHeader("X-Gemini-Key") }))),
    ).toMatchObject({ role: "header", credential: true });
    expect(plain()).toMatchObject({ role: "header", credential: false });
    // The same text as a product's policy: its statements are the product's.
    const asProduct = composeEffectivePipeline(scopes({ global, product: api }));
    expect(setHeader(asProduct)).toMatchObject({ scope: "product", line: 4 });
    expect(setHeader(composeEffectivePipeline(scopes({ global, api })))).toMatchObject({ scope: "api", line: 4 });
  });

  it("composes every reference policy, at every scope and for every sample profile, as reading it anew does", () => {
    let unique = 0;
    // Each copy of the text, with whitespace after the root, is parsed anew (parsePolicyDocumentOnce remembers by text): no layer is remembered for it.
    const anew = (text: string): ScopeDocument => ({ status: "policy", text: `${text}${" ".repeat(++unique)}` });
    for (const reference of loadReferencePolicies()) {
      const shared: ScopeDocument = { status: "policy", text: reference.text };
      for (const profile of Object.values(sampleProfiles)) {
        const remembered = composeEffectivePipeline(
          scopes({ global: shared, product: shared, api: shared, operation: shared, profile }),
        );
        const read = composeEffectivePipeline(
          scopes({
            global: anew(reference.text),
            product: anew(reference.text),
            api: anew(reference.text),
            operation: anew(reference.text),
            profile,
          }),
        );
        expect(remembered).toEqual(read);
      }
    }
  });
});
