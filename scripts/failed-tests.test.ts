import { describe, expect, it } from "vitest";
import { failedPlaywrightTests, failedVitestTests } from "./failed-tests";

// The report shapes below were taken from real Vitest 4 and Playwright JSON reports.
describe("failedVitestTests", () => {
  it("names each failed test with its file, and a file that failed to load by its error", () => {
    const report = {
      testResults: [
        {
          name: "/repo/lib/a.test.ts",
          status: "failed",
          message: "",
          assertionResults: [
            { title: "fails", fullName: "group fails", status: "failed" },
            { title: "passes", fullName: "group passes", status: "passed" },
          ],
        },
        { name: "/repo/lib/b.int.test.ts", status: "failed", message: "cannot load\n  at x", assertionResults: [] },
        { name: "/repo/lib/c.test.ts", status: "passed", message: "", assertionResults: [] },
      ],
    };
    expect(failedVitestTests(report, "/repo")).toEqual([
      "lib/a.test.ts › group fails",
      "lib/b.int.test.ts › cannot load",
    ]);
  });
});

describe("failedPlaywrightTests", () => {
  it("names each unexpected result with project, file, line and describe titles", () => {
    const report = {
      suites: [
        {
          title: "ui/x.spec.ts",
          file: "ui/x.spec.ts",
          specs: [
            { title: "top", file: "ui/x.spec.ts", line: 3, tests: [{ projectName: "ui", status: "unexpected" }] },
          ],
          suites: [
            {
              title: "group",
              file: "ui/x.spec.ts",
              specs: [
                { title: "fails", file: "ui/x.spec.ts", line: 2, tests: [{ projectName: "ui", status: "unexpected" }] },
                { title: "passes", file: "ui/x.spec.ts", line: 2, tests: [{ projectName: "ui", status: "expected" }] },
                { title: "retried", file: "ui/x.spec.ts", line: 4, tests: [{ projectName: "ui", status: "flaky" }] },
              ],
            },
          ],
        },
      ],
    };
    expect(failedPlaywrightTests(report)).toEqual(["[ui] ui/x.spec.ts:3 › top", "[ui] ui/x.spec.ts:2 › group › fails"]);
  });
});
