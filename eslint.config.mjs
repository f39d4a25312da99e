import { fileURLToPath } from "node:url";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

const ROOT = fileURLToPath(new URL(".", import.meta.url));

// ---------------------------------------------------------------------------------------------
// Layering: who may import what (docs/development.md, "Layering"). Each file belongs to exactly
// one layer below, because ESLint replaces (does not merge) a rule's options when two config
// objects match the same file. Paths are checked on the resolved file (`import/no-restricted-paths`,
// so `@/…`, relative and dynamic imports are all seen); package names with `no-restricted-imports`.
// ---------------------------------------------------------------------------------------------

/** Test code: exempt from the layer rules (a test may drive the simulator, call route handlers,
 * reach into test/support), and never imported by production code. */
const TEST_CODE = [
  "**/*.test.ts",
  "**/*.test.tsx",
  "**/__fixtures__/**",
  "**/test-support/**",
  "test/**",
  "e2e/**",
  "bench/**",
];

/** Packages lib/policy may use: pure computation, no I/O. A new one joins only if it is pure. */
const PURE_POLICY_PACKAGES = ["zod", "saxes", "canonicalize"];
/** Files outside lib/policy that it may import; they are held to the same purity. */
const PURE_HELPERS = ["lib/validation.ts", "lib/unsafe-text.ts", "lib/errors.ts"];

const zone = (from, message, except) => ({ target: ".", from, message, ...(except ? { except } : {}) });

/** Production code never depends on tests, the benchmarks or fixtures. */
const NO_TEST_CODE = [
  zone(["test", "e2e", "bench"], "Production code does not import test code."),
  zone(
    ["**/*.test.ts", "**/*.test.tsx", "**/__fixtures__/**", "**/test-support/**"],
    "Production code does not import test code.",
  ),
];

/** lib/ is below the entry points and the UI, and never depends on the development sandbox. */
const LIB_ZONES = [
  ...NO_TEST_CODE,
  zone(["app", "components"], "lib/ is below the entry points and the UI: pass what it needs in."),
  zone(["sandbox"], "lib/ does not depend on the sandbox (the sandbox is a stand-in for Azure, not part of the app)."),
];

const AZURE_SDK_ONLY_IN_APIM = {
  patterns: [
    {
      group: ["@azure/*", "!@azure/msal-node"],
      message:
        "Only lib/apim speaks ARM: the Azure SDK (@azure/arm-apimanagement, core-rest-pipeline, identity, …) is imported there and nowhere else in lib/, app/ or components/.",
    },
  ],
};

const layer = (name, files, { except = [], zones = [], restrictedImports, extra = {} }) => ({
  name: `portcullis/layering/${name}`,
  files,
  ignores: [...TEST_CODE, ...except],
  rules: {
    "import/no-restricted-paths": ["error", { basePath: ROOT, zones }],
    "no-restricted-imports": restrictedImports ? ["error", restrictedImports] : "off",
    ...extra,
  },
});

const layering = [
  layer("policy", ["lib/policy/**", ...PURE_HELPERS], {
    zones: [
      ...NO_TEST_CODE,
      // Packages are judged by name below (node: modules resolve to no file at all).
      zone(
        ".",
        "lib/policy is pure: from this repository it imports only lib/policy, lib/validation.ts and lib/errors.ts.",
        ["./lib/policy", ...PURE_HELPERS.map((file) => `./${file}`), "./node_modules"],
      ),
    ],
    restrictedImports: {
      patterns: [
        {
          regex: `^(?!\\.|(${PURE_POLICY_PACKAGES.join("|")})(/|$))`,
          message: `lib/policy is pure (no I/O): it imports relative files and only the packages ${PURE_POLICY_PACKAGES.join(", ")} — no node: modules, database, ARM or other packages.`,
        },
      ],
    },
    extra: {
      // A dynamic import() would pass no-restricted-imports unseen.
      "no-restricted-syntax": [
        "error",
        { selector: "ImportExpression", message: "lib/policy imports statically, so the layering rules can see it." },
      ],
      "no-restricted-globals": [
        "error",
        ...["fetch", "process", "XMLHttpRequest", "WebSocket", "require"].map((name) => ({
          name,
          message: "lib/policy is pure (no I/O): take what you need as a parameter.",
        })),
      ],
    },
  }),
  layer("apim", ["lib/apim/**"], { zones: LIB_ZONES }),
  layer("lib", ["lib/**"], {
    except: ["lib/policy/**", "lib/apim/**", ...PURE_HELPERS],
    zones: LIB_ZONES,
    restrictedImports: AZURE_SDK_ONLY_IN_APIM,
  }),
  layer("components", ["components/**"], {
    zones: [
      ...NO_TEST_CODE,
      zone(["app"], "components/ never import app/: the page passes actions and data in as props."),
      zone(["lib/db"], "components/ never touch the database: a use case in lib/<feature> reads it for the page."),
      zone(["sandbox"], "The console does not depend on the sandbox."),
    ],
    restrictedImports: AZURE_SDK_ONLY_IN_APIM,
  }),
  layer("app", ["app/**", "proxy.ts"], {
    zones: [...NO_TEST_CODE, zone(["sandbox"], "The console does not depend on the sandbox.")],
    restrictedImports: AZURE_SDK_ONLY_IN_APIM,
  }),
  layer("sandbox", ["sandbox/**"], {
    zones: [
      ...NO_TEST_CODE,
      zone(["app", "components"], "The sandbox stands in for Azure; it does not import the app."),
      zone(["lib"], "The sandbox uses only lib/policy (pure policy reading) from lib/.", ["./policy"]),
    ],
  }),
];

const config = [
  ...nextVitals,
  ...nextTs,
  // Layout is Prettier's (npm run lint checks it); ESLint keeps to correctness.
  prettier,
  {
    ignores: [
      ".next/**",
      ".data/**",
      "node_modules/**",
      "lib/db/generated/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The App Router has no pages/ directory.
      "@next/next/no-html-link-for-pages": "off",
    },
  },
  ...layering,
  {
    name: "portcullis/e2e-specs-watch-csp",
    files: ["e2e/**/*.spec.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@playwright/test",
              message:
                "Import test and expect from e2e/support/test.ts: its test fails on any Content-Security-Policy violation.",
            },
          ],
        },
      ],
    },
  },
  {
    name: "portcullis/entry-points-validate-input",
    files: ["app/**", "components/**"],
    rules: {
      // parseInput/validateInput (lib/validation.ts) also refuse the characters no text input may hold.
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name=/^(safe)?[pP]arse(Async)?$/]:not([callee.object.name='JSON'])",
          message:
            "Entry points parse input with parseInput or validateInput from lib/validation.ts, not with zod directly.",
        },
      ],
    },
  },
];

export default config;
