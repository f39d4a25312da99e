/**
 * Property: an access decision never changes when statements Portcullis does not classify (they
 * neither check the caller nor set the backend's credentials or target) are added anywhere outside
 * the statements that decide — in any scope, any section, any position, also inside a choose
 * whose condition cannot be decided.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  API_KEY_HEADER,
  CLIENT_A,
  CLIENT_B,
  ENTRA_TENANT,
  entraValidation,
  policy,
} from "../__fixtures__/scope-documents";
import { entraClaims, jwt, NOW, secondsFromNow } from "../__fixtures__/tokens";
import { composeEffectivePipeline } from "../compose-pipeline";
import type { EffectivePipelineInput } from "../effective-input";
import type { PolicySection } from "../effective-pipeline";
import { checkToken, type TokenCheckResult } from "./check-token";

const CLASSIFIED = [
  entraValidation(),
  entraValidation("", `<client-application-ids><application-id>${CLIENT_B}</application-id></client-application-ids>`),
  entraValidation(
    ' failed-validation-httpcode="403"',
    `<client-application-ids><application-id>${CLIENT_A}</application-id></client-application-ids><required-claims><claim name="roles"><value>Chat.Use</value></claim></required-claims>`,
  ),
  '<validate-jwt header-name="Authorization"><issuers><issuer>https://login.example.com</issuer></issuers></validate-jwt>',
  '<check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" ignore-case="false" />',
  '<set-header name="Authorization" exists-action="delete" />',
  API_KEY_HEADER,
  '<set-backend-service backend-id="openai" />',
  '<authentication-managed-identity resource="https://cognitiveservices.azure.com" />',
  '<choose><when condition="true"><return-response><set-status code="403" reason="no" /></return-response></when></choose>',
  `<choose><when condition="@(context.Request.Method == &quot;POST&quot;)">${entraValidation()}</when></choose>`,
  '<choose><when condition="false"><set-backend-service base-url="https://elsewhere.example.com" /></when><otherwise><set-header name="api-key" exists-action="override"><value>{{other}}</value></set-header></otherwise></choose>',
];

const UNCLASSIFIED = [
  '<set-variable name="v" value="1" />',
  '<rewrite-uri template="/x" />',
  '<rate-limit calls="5" renewal-period="60" />',
  '<set-query-parameter name="q" exists-action="override"><value>1</value></set-query-parameter>',
  '<trace source="t" severity="information"><message>m</message></trace>',
  '<choose><when condition="@(context.Request.Method == &quot;GET&quot;)"><set-variable name="x" value="2" /></when><otherwise><rewrite-uri template="/y" /></otherwise></choose>',
  '<log-to-eventhub logger-id="l">x</log-to-eventhub>',
  '<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" />',
  '<set-header name="x-correlation-id" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>',
  '<json-to-xml apply="always" consider-accept-header="false" />',
];

const SECTIONS: PolicySection[] = ["inbound", "backend", "outbound", "on-error"];
type Scope = "global" | "product" | "api" | "operation";
type Documents = Record<Scope, Record<PolicySection, string[]>>;

const statements = fc.array(fc.constantFrom(...CLASSIFIED), { maxLength: 3 });

/** A scope's sections; narrower scopes put <base /> at a random place, or (rarely) leave it out. */
function scopeDocument(global: boolean) {
  return fc.record({
    inbound: fc
      .tuple(statements, fc.nat(3), fc.boolean())
      .map(([list, at, dropBase]) =>
        global || dropBase ? list : [...list.slice(0, at), "<base />", ...list.slice(at)],
      ),
    backend: fc.constant<string[]>(global ? ["<forward-request />"] : ["<base />"]),
    outbound: fc.constant<string[]>(global ? [] : ["<base />"]),
    "on-error": fc.constant<string[]>(global ? [] : ["<base />"]),
  });
}

const documents: fc.Arbitrary<Documents> = fc.record({
  global: scopeDocument(true),
  product: scopeDocument(false),
  api: scopeDocument(false),
  operation: scopeDocument(false),
});

const insertions = fc.array(
  fc.record({
    scope: fc.constantFrom<Scope>("global", "product", "api", "operation"),
    section: fc.constantFrom(...SECTIONS),
    at: fc.nat(5),
    statement: fc.constantFrom(...UNCLASSIFIED),
  }),
  { minLength: 1, maxLength: 8 },
);

const tokens = fc.constantFrom(
  { token: jwt(entraClaims(ENTRA_TENANT, CLIENT_A, { roles: ["Chat.Use"] })) },
  { token: jwt(entraClaims(ENTRA_TENANT, CLIENT_B)) },
  { token: jwt(entraClaims(ENTRA_TENANT, CLIENT_A, { exp: secondsFromNow(-3600) })) },
  { claims: { iss: "https://login.example.com", exp: secondsFromNow(60) } },
);

function input(docs: Documents): EffectivePipelineInput {
  return {
    global: policy(docs.global),
    product: { id: "p", document: policy(docs.product) },
    api: { id: "a", document: policy(docs.api) },
    operation: { id: "o", document: policy(docs.operation) },
  };
}

/** The decision with positions left out: inserted lines move statements down. */
function decision(result: TokenCheckResult) {
  if (!result.ok) throw new Error(result.error);
  const where = (ref: { element: string; scope: string } | null) =>
    ref === null ? null : `${ref.element}@${ref.scope}`;
  return {
    decision: result.decision,
    decidedBy: where(result.decidedBy),
    response: result.response === null ? null : { status: result.response.status, message: result.response.message },
    backendCall:
      result.backendCall === null
        ? null
        : {
            target: result.backendCall.target,
            credentials: result.backendCall.credentials.map((credential) =>
              credential.description.replace(/ on line \d+/g, ""),
            ),
          },
    outcomes: result.outcomes.map((outcome) => [outcome.decision, where(outcome.decidedBy)]),
  };
}

describe("property: statements Portcullis does not classify never change an access decision", () => {
  it("holds for 300 random pipelines, tokens and insertions", () => {
    fc.assert(
      fc.property(documents, insertions, tokens, (docs, added, token) => {
        const before = checkToken(composeEffectivePipeline(input(docs)), { ...token, at: NOW });
        const changed = structuredClone(docs);
        for (const { scope, section, at, statement } of added) {
          const list = changed[scope][section];
          list.splice(Math.min(at, list.length), 0, statement);
        }
        const after = checkToken(composeEffectivePipeline(input(changed)), { ...token, at: NOW });
        expect(decision(after)).toEqual(decision(before));
      }),
      { numRuns: 300 },
    );
  });

  it("can fail: a classified statement added the same way does change decisions", () => {
    const failures = fc.check(
      fc.property(documents, tokens, (docs, token) => {
        const before = checkToken(composeEffectivePipeline(input(docs)), { ...token, at: NOW });
        const changed = structuredClone(docs);
        changed.operation.inbound.unshift('<return-response><set-status code="451" reason="x" /></return-response>');
        const after = checkToken(composeEffectivePipeline(input(changed)), { ...token, at: NOW });
        expect(decision(after)).toEqual(decision(before));
      }),
      { numRuns: 50 },
    );
    expect(failures.failed).toBe(true);
  });
});
