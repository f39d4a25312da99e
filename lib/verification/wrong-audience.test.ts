import { describe, expect, it } from "vitest";
import { wrongAudienceFor } from "./wrong-audience";

const PORTCULLIS = ["api://portcullis", "11111111-2222-3333-4444-555555555555"];

describe("wrongAudienceFor", () => {
  it("uses the configured app registration without an API", () => {
    expect(wrongAudienceFor("api://probe-only", PORTCULLIS)).toEqual({ ok: true, audience: "api://probe-only" });
  });

  it("sends no wrong-audience token when none is configured, saying why", () => {
    expect(wrongAudienceFor(null, PORTCULLIS)).toMatchObject({
      ok: false,
      problem: expect.stringContaining("VERIFY_WRONG_AUDIENCE"),
    });
  });

  it("never mints a token for a Microsoft resource where the probe identity may hold rights", () => {
    for (const configured of ["https://graph.microsoft.com", "https://management.azure.com/"])
      expect(wrongAudienceFor(configured, PORTCULLIS), configured).toMatchObject({
        ok: false,
        problem: expect.stringContaining("VERIFY_WRONG_AUDIENCE: "),
      });
  });

  it("never mints a token Portcullis's REST API accepts, however its audience is spelled", () => {
    for (const configured of [
      "api://portcullis",
      "API://Portcullis/",
      "portcullis",
      "11111111-2222-3333-4444-555555555555",
      "api://11111111-2222-3333-4444-555555555555",
    ])
      expect(wrongAudienceFor(configured, PORTCULLIS), configured).toMatchObject({
        ok: false,
        problem: expect.stringContaining("Portcullis's own API"),
      });
  });
});
