import { describe, expect, it } from "vitest";
import { ArmError } from "./arm-error";
import { parsePageRequest, toCollection } from "./paging";

const origin = "https://127.0.0.1:8443";
const path = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/backends";

function request(query: string): URL {
  return new URL(`${origin}${path}?${query}`);
}

describe("collection paging", () => {
  it("uses the default page size and reports the total count", () => {
    const url = request("api-version=2024-05-01");
    const page = parsePageRequest(url.searchParams, 2);
    expect(toCollection(["a", "b", "c"], page, url, origin)).toEqual({
      value: ["a", "b"],
      count: 3,
      nextLink: `${origin}${path}?api-version=2024-05-01&%24skip=2`,
    });
  });

  it("builds nextLink like the recording: original query, then %24skip", () => {
    const url = request("$top=1&api-version=2021-08-01");
    const page = parsePageRequest(url.searchParams, 100);
    const first = toCollection(["sfbackend1", "sfbackend2"], page, url, origin);
    expect(first.nextLink).toBe(`${origin}${path}?%24top=1&api-version=2021-08-01&%24skip=1`);

    const next = new URL(first.nextLink!);
    const second = toCollection(["sfbackend1", "sfbackend2"], parsePageRequest(next.searchParams, 100), next, origin);
    expect(second).toEqual({ value: ["sfbackend2"], count: 2 });
  });

  it("omits nextLink on the last page and answers an empty collection with count 0", () => {
    const url = request("api-version=2024-05-01");
    expect(toCollection([], parsePageRequest(url.searchParams, 100), url, origin)).toEqual({ value: [], count: 0 });
  });

  it("rejects a $top below 1 and a negative $skip with 400", () => {
    for (const query of ["$top=0", "$skip=-1", "$top=abc", "$top=1.5"]) {
      const run = () => parsePageRequest(request(query).searchParams, 100);
      expect(run).toThrow(ArmError);
      try {
        run();
      } catch (error) {
        expect((error as ArmError).status).toBe(400);
      }
    }
  });
});
