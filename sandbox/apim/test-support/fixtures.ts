import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The recordings and spec examples copied from the reference pack (CI has no ../shared);
 * provenance in __fixtures__/recordings/SOURCES.md and __fixtures__/examples/SOURCES.md.
 */
const folder = fileURLToPath(new URL("../__fixtures__/", import.meta.url));

export function readFixture(relativePath: string): string {
  return readFileSync(folder + relativePath, "utf8");
}

/** A spec example file: request parameters and the responses by status code. */
export interface SpecExample {
  parameters: Record<string, unknown> & { parameters?: { properties?: Record<string, unknown> }; "If-Match"?: string };
  responses: Record<
    string,
    { body?: Record<string, unknown> & { properties?: Record<string, unknown> }; headers?: Record<string, string> }
  >;
}

export function readSpecExample(relativePath: string): SpecExample {
  return JSON.parse(readFixture(`examples/${relativePath}`)) as SpecExample;
}
