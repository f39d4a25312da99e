import { afterEach, describe, expect, it, vi } from "vitest";
import { graphDirectory } from "./graph-directory";

const id = (n: number) => `${String(n).padStart(8, "0")}-0000-4000-8000-000000000000`;

/** A Graph that knows every id as "App <n>" and records the filters it was asked. */
function fakeGraph(status = 200) {
  const filters: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      expect(new Headers(init.headers).get("authorization")).toBe("Bearer graph-token");
      const parsed = new URL(url);
      expect(parsed.pathname).toBe("/v1.0/servicePrincipals");
      expect(parsed.searchParams.get("$select")).toBe("appId,displayName");
      const filter = parsed.searchParams.get("$filter")!;
      filters.push(filter);
      if (status !== 200)
        return Response.json(
          {
            error: {
              code: "Authorization_RequestDenied",
              message: "Insufficient privileges to complete the operation.",
            },
          },
          { status },
        );
      const ids = [...filter.matchAll(/'([^']+)'/g)].map((match) => match[1]!);
      return Response.json({
        value: ids
          .filter((appId) => appId !== id(99))
          .map((appId) => ({ appId, displayName: `App ${Number(appId.slice(0, 8))}` })),
      });
    }),
  );
  return filters;
}

afterEach(() => vi.unstubAllGlobals());

describe("client application names from Microsoft Graph", () => {
  it("asks for service principals 15 application ids at a time, and keeps the answers", async () => {
    const filters = fakeGraph();
    let now = 0;
    const directory = graphDirectory({
      endpoint: "https://graph.example",
      token: async () => "graph-token",
      now: () => now,
    });
    const ids = Array.from({ length: 20 }, (_, n) => id(n + 1)).concat(id(99));
    const answer = await directory.displayNames(ids);
    expect(answer.problem).toBeNull();
    expect(answer.names.get(id(1))).toBe("App 1");
    expect(answer.names.get(id(20))).toBe("App 20");
    expect(answer.names.has(id(99))).toBe(false); // no service principal: shown by id
    expect(filters).toHaveLength(2);
    expect(filters[0]).toBe(
      `appId in (${ids
        .slice(0, 15)
        .map((appId) => `'${appId}'`)
        .join(",")})`,
    );

    // Names and unknown ids are kept an hour; then asked again.
    await directory.displayNames([id(1), id(99), id(1).toUpperCase()]);
    expect(filters).toHaveLength(2);
    now += 60 * 60 * 1000 + 1;
    await directory.displayNames([id(1)]);
    expect(filters).toHaveLength(3);
  });

  it("never puts an id that is not a GUID into a filter", async () => {
    const filters = fakeGraph();
    const directory = graphDirectory({ endpoint: "https://graph.example", token: async () => "graph-token" });
    const answer = await directory.displayNames(["x') or true or ('", "{{client-id}}"]);
    expect(answer).toEqual({ names: new Map(), problem: null });
    expect(filters).toEqual([]);
  });

  it("falls back to the ids with the reason when Graph refuses, and asks again next time", async () => {
    const filters = fakeGraph(403);
    const directory = graphDirectory({ endpoint: "https://graph.example", token: async () => "graph-token" });
    const answer = await directory.displayNames([id(1)]);
    expect(answer.names.size).toBe(0);
    expect(answer.problem).toBe(
      "Microsoft Graph could not name the client applications, so they are shown by id: 403 Authorization_RequestDenied: Insufficient privileges to complete the operation. (the app needs the Application.Read.All permission)",
    );
    await directory.displayNames([id(1)]);
    expect(filters).toHaveLength(2);
  });

  it("says so when no token can be had for Graph", async () => {
    const filters = fakeGraph();
    const directory = graphDirectory({
      endpoint: "https://graph.example",
      token: async () => {
        throw new Error("AADSTS7000215: Invalid client secret provided.");
      },
    });
    const answer = await directory.displayNames([id(1)]);
    expect(answer.problem).toContain("AADSTS7000215");
    expect(filters).toEqual([]);
  });
});
