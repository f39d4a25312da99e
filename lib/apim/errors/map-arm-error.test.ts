import { CredentialUnavailableError } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { createApimClient } from "../apim-client";
import { appErrorOf } from "../../../test/support/apim/app-error";
import { armError, fakeArm, testInstance, type FakeReply } from "../../../test/support/apim/fake-arm";
import { policyLocation } from "./map-arm-error";

const always = (reply: FakeReply) => () => reply;

describe("ARM failures as AppErrors", () => {
  it("412 → precondition_failed with ARM's code and the trace", async () => {
    const arm = fakeArm(
      always({ status: 412, body: armError("ValidationError", "Resource was modified since last retrieval.") }),
    );
    const error = await appErrorOf(
      arm.client().putApiPolicy("openai", "<policies />", { etag: '"v1"' }, { correlationId: "c-1" }),
    );
    expect(error.code).toBe("precondition_failed");
    expect(error.message).toMatch(/^Policy of API 'openai' was modified since it was last read/);
    expect(error.details).toEqual({
      status: 412,
      armCode: "ValidationError",
      armMessage: "Resource was modified since last retrieval.",
      correlationId: "c-1",
      requestIds: ["req-1"],
      attempts: 1,
      mayHaveLanded: false,
    });
  });

  it("404 on a write → not_found (the caller expected the entity)", async () => {
    const arm = fakeArm(always({ status: 404, body: armError("ResourceNotFound", "NamedValue not found.") }));
    const error = await appErrorOf(arm.client().deleteNamedValue("gone", { etag: '"v1"' }));
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("Named value 'gone' was not found in APIM");
  });

  it("400 ValidationError → bad_request keeping ARM's details, with the policy error's location", async () => {
    const detail = {
      code: "ValidationError",
      target: "set-backend-service",
      message: "Error in element 'set-backend-service' on line 3, column 10: Backend 'nope' not found",
    };
    const arm = fakeArm(
      always({
        status: 400,
        body: armError("ValidationError", "One or more fields contain incorrect values:", [detail]),
      }),
    );
    const error = await appErrorOf(arm.client().putApiPolicy("openai", "<policies />", "absent"));
    expect(error.code).toBe("bad_request");
    expect(error.fields).toEqual([{ path: "set-backend-service", message: detail.message }]);
    expect(error.details.armCode).toBe("ValidationError");
    expect(error.details.armDetails).toEqual([{ ...detail, element: "set-backend-service", line: 3, column: 10 }]);
    expect(error.message).toContain("Backend 'nope' not found");
  });

  it.each([401, 403])("%i → upstream saying Portcullis's identity lacks rights", async (status) => {
    const arm = fakeArm(
      always({ status, body: armError("AuthorizationFailed", "The client does not have authorization") }),
    );
    const error = await appErrorOf(arm.client().listApis());
    expect(error.code).toBe("upstream");
    expect(error.message).toMatch(/refused Portcullis's identity/);
    expect(error.details.armCode).toBe("AuthorizationFailed");
  });

  it("409 other than PessimisticConcurrencyConflict → conflict, not retried", async () => {
    const arm = fakeArm(always({ status: 409, body: armError("Conflict", "Something else") }));
    const error = await appErrorOf(
      arm.client().putBackend("b", { url: "https://x", protocol: "http" }, { etag: '"1"' }),
    );
    expect(error.code).toBe("conflict");
    expect(arm.requests).toHaveLength(1);
  });

  it("a success without the ETag we rely on → upstream", async () => {
    const arm = fakeArm(always({ status: 200, body: { properties: { value: "<policies />" } } }));
    const error = await appErrorOf(arm.client().getApiPolicy("openai"));
    expect(error.code).toBe("upstream");
    expect(error.message).toMatch(/carried no ETag/);
  });

  it("never carries the written secret, whatever ARM answers", async () => {
    const secret = "s3cr3t-value-that-must-not-leak";
    for (const reply of [
      {
        status: 400,
        body: armError("ValidationError", "One or more fields contain incorrect values:", [
          { code: "ValidationError", target: "value", message: "too long" },
        ]),
      },
      { status: 500, body: "not json" },
      { transportError: "ECONNRESET" },
    ] as FakeReply[]) {
      const arm = fakeArm(always(reply));
      const error = await appErrorOf(
        arm.client().putNamedValue("api-key", { displayName: "api-key", value: secret, secret: true }, "absent"),
      );
      expect(arm.requests[0]?.body).toContain(secret);
      expect(
        `${error.message} ${JSON.stringify(error)} ${JSON.stringify(error.details)} ${String(error.cause)}`,
      ).not.toContain(secret);
      expect(error.cause).toBeUndefined();
    }
  });
});

describe("a credential that cannot produce a token", () => {
  it("→ upstream naming the identity error, with nothing sent", async () => {
    const credential = {
      getToken: () =>
        Promise.reject(
          new CredentialUnavailableError("EnvironmentCredential is unavailable. No credentials provided."),
        ),
    };
    let sent = 0;
    const httpClient = { sendRequest: () => Promise.reject(new Error(`sent ${++sent}`)) };
    const error = await appErrorOf(createApimClient(testInstance, credential, { httpClient }).listApis());
    expect(error.code).toBe("upstream");
    expect(error.message).toMatch(
      /could not get an ARM token .*CredentialUnavailableError.*EnvironmentCredential is unavailable/,
    );
    expect(sent).toBe(0);
  });
});

describe("policyLocation", () => {
  it("reads element, line and column from APIM's policy messages", () => {
    expect(policyLocation("Error in element 'log-to-eventhub' on line 3, column 10: Logger not found")).toEqual({
      element: "log-to-eventhub",
      line: 3,
      column: 10,
    });
    expect(policyLocation("Named value 'x' not found")).toEqual({});
    expect(policyLocation(undefined)).toEqual({});
  });
});
