import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * Entry points parse input only through lib/validation.ts (parseInput, validateInput), which
 * refuses the characters no text input may hold: a page or action calling zod itself would
 * let them through to the database.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let eslint: ESLint;
beforeAll(async () => {
  eslint = new ESLint({ cwd: ROOT });
  // The first lint loads every plugin: seconds, which a test's own timeout should not pay.
  await eslint.lintText("", { filePath: `${ROOT}app/x.ts` });
}, 60_000);

async function rulesBroken(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return result!.messages.map((m) => m.ruleId);
}

describe("entry points validate input through lib/validation.ts", () => {
  it.each([
    ["app/(console)/x/page.tsx", 'import { z } from "zod";\nexport const r = z.string().safeParse("a");\n'],
    ["app/(console)/x/actions.ts", 'import { z } from "zod";\nexport const r = z.string().parse("a");\n'],
    ["components/x/y.tsx", 'import { z } from "zod";\nexport const r = z.number().safeParseAsync(1);\n'],
  ])("%s calling zod directly is refused", async (file, code) => {
    expect(await rulesBroken(file, code)).toEqual(["no-restricted-syntax"]);
  });

  it.each([
    [
      "app/(console)/x/page.tsx",
      'import { z } from "zod";\nimport { validateInput } from "@/lib/validation";\nexport const r = validateInput(z.string(), "a");\n',
    ],
    ["app/(console)/x/actions.ts", 'export const r = JSON.parse("1") as unknown;\n'],
    ["lib/x/y.ts", 'import { z } from "zod";\nexport const r = z.string().safeParse("a");\n'],
  ])("%s is fine", async (file, code) => {
    expect(await rulesBroken(file, code)).toEqual([]);
  });
});
