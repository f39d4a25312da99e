import { describe, expect, it } from "vitest";
import { checkArmRequest } from "./arm-request-guard";
import { ArmResponseError } from "./errors/arm-failure";

const origin = "https://arm.test";
const get = (url: string) => () => checkArmRequest(origin, { method: "GET", url });

describe("checkArmRequest", () => {
  it("lets through URLs of the instance's ARM origin, however they are spelled", () => {
    expect(get("https://arm.test/subscriptions/s?api-version=1")).not.toThrow();
    expect(get("https://arm.test:443/subscriptions/s?$skip=2")).not.toThrow();
    expect(get("https://ARM.test/subscriptions/s")).not.toThrow();
  });

  it("refuses any other origin, including look-alikes that start with the origin's text", () => {
    for (const url of [
      "https://arm.test.evil.example/x",
      "https://arm.test@evil.example/x",
      "https://arm.test:8443/x",
      "http://arm.test/x",
      "https://evil.example/https://arm.test/x",
    ]) {
      expect(get(url), url).toThrow(ArmResponseError);
    }
  });

  it("refuses If-Match: * on a write", () => {
    expect(() => checkArmRequest(origin, { method: "PUT", url: `${origin}/x`, ifMatch: " * " })).toThrow(
      /If-Match: \*/,
    );
  });
});
