import { describe, expect, it } from "vitest";
import { matchUrlTemplate } from "./url-template";

const query = (text = "") => new URLSearchParams(text);

describe("URL template matching", () => {
  it("matches literal segments case-insensitively and counts them", () => {
    expect(matchUrlTemplate("/chat/completions", "/Chat/Completions", query())).toEqual({
      literals: 2,
      parameters: {},
    });
    expect(matchUrlTemplate("/chat/completions", "/chat/completion", query())).toBeUndefined();
    expect(matchUrlTemplate("/chat/completions", "/chat/completions/extra", query())).toBeUndefined();
    expect(matchUrlTemplate("/chat/completions", "/chat", query())).toBeUndefined();
  });

  it("binds a {parameter} to one non-empty segment, also inside a segment", () => {
    expect(
      matchUrlTemplate("/deployments/{deployment-id}/embeddings", "/deployments/gpt-4o/embeddings", query()),
    ).toEqual({
      literals: 2,
      parameters: { "deployment-id": "gpt-4o" },
    });
    expect(matchUrlTemplate("/deployments/{id}/embeddings", "/deployments//embeddings", query())).toBeUndefined();
    expect(matchUrlTemplate("/files/{name}.{ext}", "/files/report.final.pdf", query())).toEqual({
      literals: 1,
      parameters: { name: "report", ext: "final.pdf" },
    });
    expect(matchUrlTemplate("/users/{id}", "/users/a%20b", query())?.parameters).toEqual({ id: "a b" });
  });

  it("lets a last {*rest} take the remainder of the path, also none of it", () => {
    expect(matchUrlTemplate("/proxy/{*path}", "/proxy/a/b/c", query())?.parameters).toEqual({ path: "a/b/c" });
    expect(matchUrlTemplate("/proxy/{*path}", "/proxy", query())?.parameters).toEqual({ path: "" });
    expect(matchUrlTemplate("/{*path}/x", "/a/x", query())).toBeUndefined();
  });

  it("requires the template's query parameters: any value for a placeholder, the same value for a literal", () => {
    const template = "/chat/completions?api-version={api-version}";
    expect(matchUrlTemplate(template, "/chat/completions", query())).toBeUndefined();
    expect(matchUrlTemplate(template, "/chat/completions", query("api-version=2024-10-21&x=1"))).toEqual({
      literals: 2,
      parameters: { "api-version": "2024-10-21" },
    });
    expect(matchUrlTemplate("/search?mode=fast", "/search", query("mode=fast"))?.literals).toBe(2);
    expect(matchUrlTemplate("/search?mode=fast", "/search", query("mode=slow"))).toBeUndefined();
  });

  it("ignores slashes at either end, and an empty template matches only the API's root", () => {
    expect(matchUrlTemplate("chat/completions/", "/chat/completions", query())?.literals).toBe(2);
    expect(matchUrlTemplate("/", "/", query())).toEqual({ literals: 0, parameters: {} });
    expect(matchUrlTemplate("/", "/anything", query())).toBeUndefined();
  });
});
