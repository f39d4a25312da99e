import { describe, expect, it } from "vitest";
import { crossSiteActionOrigin } from "./cross-site-action";

const action = { "next-action": "7f3a", "content-type": "text/plain;charset=UTF-8", host: "localhost:3000" };

describe("server actions posted from another site", () => {
  it("are those whose Origin host is not the request's host", () => {
    expect(crossSiteActionOrigin("POST", new Headers({ ...action, origin: "https://attacker.example" }))).toBe(
      "https://attacker.example",
    );
    expect(crossSiteActionOrigin("POST", new Headers({ ...action, origin: "null" }))).toBe("null");
    expect(crossSiteActionOrigin("POST", new Headers({ ...action, origin: "http://localhost:3001" }))).toBe(
      "http://localhost:3001",
    );
  });

  it("include forms posted without JavaScript (multipart), and compare with X-Forwarded-Host first", () => {
    const form = {
      "content-type": "multipart/form-data; boundary=x",
      host: "10.0.0.5:3000",
      origin: "https://a.example",
    };
    expect(crossSiteActionOrigin("POST", new Headers(form))).toBe("https://a.example");
    expect(
      crossSiteActionOrigin("POST", new Headers({ ...form, "x-forwarded-host": "portcullis.example.com, proxy" })),
    ).toBe("https://a.example");
    expect(
      crossSiteActionOrigin(
        "POST",
        new Headers({
          ...form,
          origin: "https://portcullis.example.com",
          "x-forwarded-host": "portcullis.example.com",
        }),
      ),
    ).toBeUndefined();
  });

  it("leave alone same-site actions, requests that are no actions, and requests without Origin", () => {
    expect(crossSiteActionOrigin("POST", new Headers({ ...action, origin: "http://localhost:3000" }))).toBeUndefined();
    expect(
      crossSiteActionOrigin("GET", new Headers({ ...action, origin: "https://attacker.example" })),
    ).toBeUndefined();
    expect(
      crossSiteActionOrigin(
        "POST",
        new Headers({ "content-type": "application/json", host: "localhost:3000", origin: "https://a.example" }),
      ),
    ).toBeUndefined();
    expect(crossSiteActionOrigin("POST", new Headers(action))).toBeUndefined();
  });
});
