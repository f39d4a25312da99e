/**
 * First-load JavaScript of every console page, measured from a real browser load: Chromium
 * (playwright-core, /usr/bin/chromium) opens each page signed in as an admin, with an empty
 * cache, and every script the page loads before its `load` event is counted at its gzip size
 * (level 9, as Next.js reports "First Load JS"; 1 kB = 1000 bytes). Prefetches after the load
 * are not first-load JavaScript and are not counted. Goal: ≤ 150 kB per page.
 *
 *   npx tsx bench/console-first-load-js.ts
 *
 * Starts the app as `npm start` does (building it when the sources changed) on PORT (3660) in
 * sandbox mode, and makes the data the pages need (a profile, a plan, a deployment, a Verify-all
 * batch, a secret, a change set, a profile template) over REST.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { figure, printBenchResult, type BenchFigure } from "./support/bench-result";
import { signedInBrowser, startApp, type RunningApp } from "./support/running-app";

const GOAL_KB = 150;

const app = await startApp();
try {
  const urls = await samplePages(app);
  const notMeasured = consolePages().filter((page) => !(page in urls));
  if (notMeasured.length > 0)
    console.log(`  not measured (no sample URL in this benchmark yet): ${notMeasured.join(", ")}`);
  const { browser, signedIn } = await signedInBrowser(app, "admin");
  const figures: BenchFigure[] = [];
  try {
    const state = await signedIn.storageState();
    for (const [page, url] of Object.entries(urls)) {
      // A fresh context per page: same session, empty HTTP cache.
      const context = await browser.newContext({ storageState: state, ignoreHTTPSErrors: true });
      const tab = await context.newPage();
      const scripts: Array<Promise<number>> = [];
      let loaded = false;
      tab.on("response", (response) => {
        if (loaded || response.request().resourceType() !== "script") return;
        scripts.push(response.body().then((body) => gzipSync(body, { level: 9 }).length));
      });
      const response = await tab.goto(`${app.baseUrl}${url}`, { waitUntil: "load" });
      loaded = true;
      if (!response?.ok() || new URL(tab.url()).pathname !== url)
        throw new Error(`${page} (${url}) did not load as itself: ${response?.status()} at ${tab.url()}`);
      const sizes = await Promise.all(scripts);
      const kb = sizes.reduce((sum, size) => sum + size, 0) / 1000;
      console.log(`  ${page.padEnd(26)} ${kb.toFixed(1).padStart(6)} kB gzip in ${sizes.length} scripts`);
      figures.push(figure(`first-load JavaScript of ${page} (gzip)`, "kB", [kb], { atMost: GOAL_KB }));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  printBenchResult(figures);
} finally {
  await app.close();
}

/** A URL for every console page this benchmark knows how to fill in, after making the data it shows. */
async function samplePages(app: RunningApp): Promise<Record<string, string>> {
  const { items: instances } = await app.rest<{ items: Array<{ id: string; name: string }> }>("GET", "/instances");
  const instance = instances.find((item) => item.name === "sandbox")!;
  await app.rest("POST", `/instances/${instance.id}/sync`);
  const { items: apis } = await app.rest<{ items: Array<{ id: string; apimName: string }> }>("GET", "/apis?limit=200");
  const api = apis.find((item) => item.apimName === "azure-openai-eu")!;
  await app.rest("PUT", `/apis/${api.id}/access-profile`, {
    backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
    callerAuth: {
      mode: "entra",
      tenantId: "contoso.onmicrosoft.com",
      clientApplicationIds: ["11111111-2222-3333-4444-555555555555"],
    },
  });
  const plan = await app.rest<{ id: string }>("POST", `/apis/${api.id}/plans`);
  const deployment = await app.rest<{ id: string }>("POST", `/plans/${plan.id}/apply`);
  // One API at a time: the batch only has to exist for its page, not to finish.
  const batch = await app.rest<{ id: string }>("POST", `/instances/${instance.id}/verifications`, { concurrency: 1 });
  const secret = await app.rest<{ id: string }>("POST", `/instances/${instance.id}/secrets`, {
    name: "bench-first-load-key",
    value: "a-key-for-the-first-load-benchmark",
  });
  const changeSet = await app.rest<{ id: string }>("POST", "/change-sets", {
    apiIds: [api.id],
    change: { op: "addAudience", audience: "api://bench-first-load" },
  });
  const template = await app.rest<{ id: string }>("POST", "/templates", {
    name: "bench-first-load-template",
    profile: { backendAuth: { mode: "none" }, callerAuth: { mode: "none" } },
  });
  return {
    "/": "/",
    "/apis": "/apis",
    "/apis/[id]": `/apis/${api.id}`,
    "/apis/[id]/edit": `/apis/${api.id}/edit`,
    "/approvals": "/approvals",
    "/audit": "/audit",
    "/change-sets": "/change-sets",
    "/change-sets/new": "/change-sets/new",
    "/change-sets/[id]": `/change-sets/${changeSet.id}`,
    "/deployments/[id]": `/deployments/${deployment.id}`,
    "/environments/[name]": "/environments/development",
    "/instances": "/instances",
    "/instances/[id]/access": `/instances/${instance.id}/access`,
    "/instances/[id]/secrets": `/instances/${instance.id}/secrets`,
    "/instances/[id]/secrets/[secretId]": `/instances/${instance.id}/secrets/${secret.id}`,
    "/instances/[id]/verifications/[batchId]": `/instances/${instance.id}/verifications/${batch.id}`,
    "/notifications": "/notifications",
    "/plans/[id]": `/plans/${plan.id}`,
    "/templates": "/templates",
    "/templates/new": "/templates/new",
    "/templates/[id]": `/templates/${template.id}`,
  };
}

/** Every page of the console route group, as Next.js names its route. */
function consolePages(dir = fileURLToPath(new URL("../app/(console)", import.meta.url)), route = ""): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return consolePages(full, `${route}/${entry}`);
    return /^page\.tsx?$/.test(entry) ? [route || "/"] : [];
  });
}
