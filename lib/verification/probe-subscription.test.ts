import { describe, expect, it } from "vitest";
import type { ApimProduct, ApimSubscription } from "../apim";
import { chooseSubscription } from "./probe-subscription";

const subscription = (name: string, scope: string, state = "active"): ApimSubscription => ({
  name,
  displayName: name,
  scope,
  state,
});
const product = (name: string): ApimProduct => ({
  name,
  displayName: name,
  description: null,
  subscriptionRequired: true,
  approvalRequired: null,
  state: "published",
});

describe("chooseSubscription", () => {
  it("prefers a key of the API itself, then of all APIs, then of a product holding the API", () => {
    const all = subscription("all", "/apis");
    const own = subscription("own", "/apis/Chat");
    const viaProduct = subscription("gold", "/products/gold");
    expect(chooseSubscription([viaProduct, all, own], "chat", [product("gold")])).toEqual({
      ok: true,
      subscription: own,
      productName: null,
    });
    expect(chooseSubscription([viaProduct, all], "chat", [product("gold")])).toEqual({
      ok: true,
      subscription: all,
      productName: null,
    });
    expect(chooseSubscription([viaProduct], "chat", [product("silver"), product("gold")])).toEqual({
      ok: true,
      subscription: viaProduct,
      productName: "gold",
    });
  });

  it("takes only active subscriptions that open this API, and says why none does", () => {
    const choice = chooseSubscription(
      [
        subscription("suspended", "/apis", "suspended"),
        subscription("other-api", "/apis/other"),
        subscription("other-product", "/products/silver"),
      ],
      "chat",
      [product("gold")],
    );
    expect(choice).toEqual({
      ok: false,
      reason:
        "the API requires a subscription key, and the service has no active subscription to the API, to all APIs or to a product holding it (1 subscription is not active)",
    });
    expect(chooseSubscription([], "chat", [])).toMatchObject({
      reason: expect.stringMatching(/holding it$/),
    });
  });
});
