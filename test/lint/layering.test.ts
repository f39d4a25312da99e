import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The layering rules of eslint.config.mjs, run through ESLint itself on code placed at a path in
 * this repository (imports are resolved against the real files): each rule catches a violation,
 * and the import that the layer is allowed to make passes.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const PATHS = "import/no-restricted-paths";
const IMPORTS = "no-restricted-imports";
const GLOBALS = "no-restricted-globals";
const SYNTAX = "no-restricted-syntax";

interface Case {
  /** Where the code would live. */
  file: string;
  /** What it imports. */
  from: string;
  /** The rule that refuses it; null when the import is allowed. */
  refusedBy: string | null;
}

const cases: Record<string, Case[]> = {
  "lib/policy imports nothing with I/O": [
    { file: "lib/policy/x.ts", from: "node:fs", refusedBy: IMPORTS },
    { file: "lib/policy/render/x.ts", from: "fs/promises", refusedBy: IMPORTS },
    { file: "lib/policy/x.ts", from: "pg", refusedBy: IMPORTS },
    { file: "lib/policy/x.ts", from: "@azure/arm-apimanagement", refusedBy: IMPORTS },
    { file: "lib/policy/x.ts", from: "../db", refusedBy: PATHS },
    { file: "lib/policy/read/x.ts", from: "../../apim", refusedBy: PATHS },
    { file: "lib/policy/x.ts", from: "../deployments/schemas", refusedBy: PATHS },
    { file: "lib/validation.ts", from: "./db", refusedBy: PATHS },
    { file: "lib/policy/x.ts", from: "./managed-block", refusedBy: null },
    { file: "lib/policy/x.ts", from: "zod", refusedBy: null },
    { file: "lib/policy/document/x.ts", from: "saxes", refusedBy: null },
    { file: "lib/policy/x.ts", from: "../validation", refusedBy: null },
    { file: "lib/policy/render-policy.test.ts", from: "node:fs", refusedBy: null },
  ],
  "only lib/apim imports the Azure SDK (within lib/, app/, components/)": [
    { file: "lib/deployments/x.ts", from: "@azure/identity", refusedBy: IMPORTS },
    { file: "lib/instances/x.ts", from: "@azure/arm-apimanagement", refusedBy: IMPORTS },
    { file: "lib/secrets/x.ts", from: "@azure/core-rest-pipeline", refusedBy: IMPORTS },
    { file: "app/api/v1/x/route.ts", from: "@azure/identity", refusedBy: IMPORTS },
    { file: "components/x.tsx", from: "@azure/arm-apimanagement", refusedBy: IMPORTS },
    { file: "lib/apim/x.ts", from: "@azure/identity", refusedBy: null },
    { file: "lib/apim/retry/x.ts", from: "@azure/core-rest-pipeline", refusedBy: null },
    { file: "lib/auth/x.ts", from: "@azure/msal-node", refusedBy: null },
    { file: "cli/x.ts", from: "@azure/identity", refusedBy: null },
    { file: "lib/auth/x.int.test.ts", from: "@azure/identity", refusedBy: null },
  ],
  "components/ never import app/ or lib/db": [
    { file: "components/layout/x.tsx", from: "@/app/(auth)/actions", refusedBy: PATHS },
    { file: "components/layout/x.tsx", from: "../../app/(auth)/actions", refusedBy: PATHS },
    { file: "components/plans/x.tsx", from: "@/lib/db", refusedBy: PATHS },
    { file: "components/plans/x.tsx", from: "@/lib/deployments/schemas", refusedBy: null },
    { file: "components/plans/x.tsx", from: "@/components/ui/section", refusedBy: null },
  ],
  "lib/ never imports app/, components/, sandbox/ or test code": [
    { file: "lib/deployments/x.ts", from: "../../app/(auth)/actions", refusedBy: PATHS },
    { file: "lib/deployments/x.ts", from: "../../components/ui/section", refusedBy: PATHS },
    { file: "lib/deployments/x.ts", from: "../../sandbox/apim", refusedBy: PATHS },
    { file: "lib/deployments/x.ts", from: "../../test/support/test-database", refusedBy: PATHS },
    { file: "lib/apim/x.ts", from: "../../test/support/apim/fake-arm", refusedBy: PATHS },
    { file: "lib/deployments/x.ts", from: "../policy/__fixtures__/sample-profiles", refusedBy: PATHS },
    { file: "lib/deployments/x.ts", from: "../db", refusedBy: null },
    { file: "lib/deployments/x.int.test.ts", from: "../../test/support/test-database", refusedBy: null },
    { file: "lib/deployments/x.int.test.ts", from: "../../sandbox/apim", refusedBy: null },
  ],
  "sandbox/ (not its tests) uses only lib/policy from lib/": [
    { file: "sandbox/apim/x.ts", from: "../../lib/db", refusedBy: PATHS },
    { file: "sandbox/apim/x.ts", from: "../../lib/apim", refusedBy: PATHS },
    { file: "sandbox/apim/x.ts", from: "../../lib/policy/managed-block", refusedBy: null },
    { file: "sandbox/apim/x.int.test.ts", from: "../../lib/db", refusedBy: null },
  ],
};

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function lint(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return result!.messages;
}

describe.each(Object.entries(cases))("%s", (_rule, rows) => {
  it.each(rows)("$file importing $from: refused by $refusedBy", async ({ file, from, refusedBy }) => {
    const messages = await lint(file, `import * as imported from "${from}";\n\nexport const used = imported;\n`);
    if (refusedBy === null) expect(messages).toEqual([]);
    else expect(messages.map((m) => [m.ruleId, m.severity])).toEqual([[refusedBy, 2]]);
  });
});

describe("lib/policy reaches no I/O around its imports either", () => {
  it.each([
    ["fetch", "export const used = fetch;\n", GLOBALS],
    ["process", "export const used = process.env;\n", GLOBALS],
    ["a dynamic import()", 'export const used = import("node:fs");\n', SYNTAX],
  ])("%s is refused", async (_what, code, rule) => {
    const messages = await lint("lib/policy/x.ts", code);
    expect(messages.map((m) => [m.ruleId, m.severity])).toEqual([[rule, 2]]);
  });
});
