import { describe, expect, it } from "vitest";
import {
  dependencyRounds,
  listRequests,
  lowerBoundMs,
  minimumApiReadRequests,
  minimumInstanceReadRequests,
} from "./read-bounds";

describe("read bounds", () => {
  it("counts one request per page of a list, and one for an empty list", () => {
    expect([listRequests(0, 100), listRequests(1, 100), listRequests(100, 100), listRequests(101, 100)]).toEqual([
      1, 1, 1, 2,
    ]);
  });

  it("adds up the minimum of an instance read: service, global, products with their APIs and policies, APIs with their policies and operations", () => {
    // 5 products of 100 APIs, 500 APIs of 4 operations, pages of 100.
    const shape = {
      products: 5,
      productApis: [100, 100, 100, 100, 100],
      apis: 500,
      apiOperations: Array.from({ length: 500 }, () => 4),
    };
    expect(minimumInstanceReadRequests(shape, 100)).toBe(2 + 1 + 5 + 5 + 5 + 500 + 500 + 2000);
    // The last API page arrives in round 5; its operations list in 6, their policies in 7.
    expect(dependencyRounds(shape, 100)).toBe(7);
    expect(lowerBoundMs(shape, 100, 32, 50)).toBe(Math.ceil(3018 / 32) * 50);
    expect(lowerBoundMs(shape, 100, 10_000, 50)).toBe(7 * 50);
  });

  it("follows pages in the dependency chain: an operation list of three pages, products on a second page", () => {
    const shape = { products: 3, productApis: [1, 1, 5], apis: 2, apiOperations: [0, 5] };
    // Product 3 arrives with page 2 and needs 3 pages of APIs; API 2 arrives with page 1, then 3 pages, then a policy.
    expect(dependencyRounds(shape, 2)).toBe(5);
    expect(minimumInstanceReadRequests(shape, 2)).toBe(2 + 2 + (1 + 1 + 3) + 3 + 1 + 2 + (1 + 3) + 5);
  });

  it("adds up the minimum of one API's read", () => {
    expect(minimumApiReadRequests({ products: 1, operations: 2 }, 100)).toBe(4 + 1 + 1 + 1 + 2);
    expect(minimumApiReadRequests({ products: 0, operations: 0 }, 100)).toBe(6);
  });
});
