import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/** Browser tests take `test` from e2e/support/test.ts, whose tests fail on any CSP violation. */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let eslint: ESLint;
beforeAll(async () => {
  eslint = new ESLint({ cwd: ROOT });
  await eslint.lintText("", { filePath: `${ROOT}e2e/ui/x.spec.ts` });
}, 60_000);

async function rulesBroken(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return result!.messages.map((m) => m.ruleId);
}

describe("e2e specs use the CSP-watching test", () => {
  it("refuses @playwright/test in a spec", async () => {
    expect(
      await rulesBroken("e2e/ui/x.spec.ts", 'import { test } from "@playwright/test";\ntest("x", () => {});\n'),
    ).toEqual(["no-restricted-imports"]);
  });

  it("allows e2e/support/test.ts in a spec, and @playwright/test in support code", async () => {
    expect(
      await rulesBroken("e2e/ui/x.spec.ts", 'import { test } from "../support/test";\ntest("x", () => {});\n'),
    ).toEqual([]);
    expect(
      await rulesBroken("e2e/support/x.ts", 'import { expect } from "@playwright/test";\nexport const e = expect;\n'),
    ).toEqual([]);
  });
});
