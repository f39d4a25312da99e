import { beforeAll, describe, expect, it } from "vitest";
import * as accessProfile from "../../app/api/v1/apis/[id]/access-profile/route";
import * as apis from "../../app/api/v1/apis/route";
import * as audit from "../../app/api/v1/audit/route";
import * as secrets from "../../app/api/v1/instances/[id]/secrets/route";
import * as instances from "../../app/api/v1/instances/route";
import { callRoute } from "../support/call-route";
import { apiIdOf } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

/**
 * Text PostgreSQL cannot store (NUL, lone surrogates) answered 500; text that misleads a reader
 * (bidirectional overrides, control characters) was stored. Every input refuses both with 400
 * naming the field — query filters, names, secret values and profile fields alike.
 */
const sandbox = setupSandboxHarness();
let admin = "";
let reviewer = "";
beforeAll(async () => {
  admin = await sandbox.tokens.automation();
  reviewer = await sandbox.tokens.user("reviewer");
});

const CONTROL = /must not contain control characters, unpaired surrogates or bidirectional controls/;

function expectRefused(response: { status: number; headers: Headers; body: unknown }, path: string, message = CONTROL) {
  expect(response.status).toBe(400);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.body).toMatchObject({
    code: "bad_request",
    errors: [{ path, message: expect.stringMatching(message) }],
  });
}

describe("REST: text no input may hold", () => {
  it("refuses NUL and line breaks in query filters", async () => {
    expectRefused(await callRoute(apis.GET, { path: "/apis?search=%00", token: admin }), "query.search");
    expectRefused(
      await callRoute(apis.GET, { path: "/apis?search=a%0Ab", token: admin }),
      "query.search",
      /must not contain tabs or line breaks/,
    );
    expectRefused(await callRoute(audit.GET, { path: "/audit?actor=%00", token: reviewer }), "query.actor");
  });

  it("refuses a lone surrogate in a name and NUL in a secret value", async () => {
    expectRefused(
      await callRoute(instances.POST, {
        path: "/instances",
        token: admin,
        body: {
          name: "weu\ud800",
          subscriptionId: "11111111-1111-1111-1111-111111111111",
          resourceGroup: "rg",
          serviceName: "apim",
        },
      }),
      "name",
    );
    const id = sandbox.instance.id;
    expectRefused(
      await callRoute(secrets.POST, {
        path: `/instances/${id}/secrets`,
        token: admin,
        params: { id },
        body: { name: "nul-key", value: "sk-\u0000abc" },
      }),
      "value",
    );
  });

  it("refuses a bidirectional override in a profile field", async () => {
    const id = await apiIdOf(contextFor("admin"), sandbox.instance.id, "azure-openai");
    const response = await callRoute(accessProfile.PUT, {
      path: `/apis/${id}/access-profile`,
      method: "PUT",
      token: admin,
      params: { id },
      body: {
        backendAuth: { mode: "none" },
        callerAuth: {
          mode: "entra",
          tenantId: "contoso.onmicrosoft.com",
          clientApplicationIds: ["11111111-2222-3333-4444-555555555555"],
          requiredClaims: [{ name: "roles", values: ["Reader\u202e.nimdA"] }],
        },
      },
    });
    expectRefused(response, "callerAuth.requiredClaims[0].values[0]");
  });
});
