import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "../support/test";
import { restCall, saveNewProfile, syncedSandboxInstance } from "../support/rest";
import { unusedCallbackUrl } from "../support/sandbox";

/**
 * Every console page names itself in the <head> of the first HTML it sends, for every browser:
 * a check (or a screen reader) that reads the page as soon as it is parsed finds its title,
 * rather than one streamed into the body once the page's metadata resolves.
 */

const BROWSERS = {
  chrome: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  firefox: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  safari:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
};

type Ids = {
  instance: string;
  api: string;
  plan: string;
  deployment: string;
  batch: string;
  secret: string;
  changeSet: string;
  template: string;
};
type Visitor = "admin" | "norole" | "anonymous";

/** Each page of app/(console) and app/(auth), as a route pattern: who can open it, where, and its title. */
const PAGES: Record<string, { as: Visitor; url: (ids: Ids) => string; title: string }> = {
  "/": { as: "admin", url: () => "/", title: "Overview" },
  "/apis": { as: "admin", url: () => "/apis", title: "APIs" },
  "/approvals": { as: "admin", url: () => "/approvals", title: "Waiting for approval" },
  "/apis/[id]": { as: "admin", url: (ids) => `/apis/${ids.api}`, title: "API" },
  "/apis/[id]/edit": { as: "admin", url: (ids) => `/apis/${ids.api}/edit`, title: "Edit access profile" },
  "/audit": { as: "admin", url: () => "/audit", title: "Audit history" },
  "/change-sets": { as: "admin", url: () => "/change-sets", title: "Change sets" },
  "/change-sets/new": { as: "admin", url: () => "/change-sets/new", title: "New change set" },
  "/change-sets/[id]": { as: "admin", url: (ids) => `/change-sets/${ids.changeSet}`, title: "Change set" },
  "/deployments/[id]": { as: "admin", url: (ids) => `/deployments/${ids.deployment}`, title: "Deployment" },
  "/instances": { as: "admin", url: () => "/instances", title: "Instances" },
  "/instances/[id]/access": { as: "admin", url: (ids) => `/instances/${ids.instance}/access`, title: "Access matrix" },
  "/instances/[id]/verifications/[batchId]": {
    as: "admin",
    url: (ids) => `/instances/${ids.instance}/verifications/${ids.batch}`,
    title: "Verify all",
  },
  "/instances/[id]/secrets": { as: "admin", url: (ids) => `/instances/${ids.instance}/secrets`, title: "Secrets" },
  "/notifications": { as: "admin", url: () => "/notifications", title: "Notifications" },
  "/environments/[name]": { as: "admin", url: () => "/environments/development", title: "Environment variables" },
  "/instances/[id]/secrets/[secretId]": {
    as: "admin",
    url: (ids) => `/instances/${ids.instance}/secrets/${ids.secret}`,
    title: "Secret",
  },
  "/plans/[id]": { as: "admin", url: (ids) => `/plans/${ids.plan}`, title: "Plan" },
  "/templates": { as: "admin", url: () => "/templates", title: "Profile templates" },
  "/templates/new": { as: "admin", url: () => "/templates/new", title: "New profile template" },
  "/templates/[id]": { as: "admin", url: (ids) => `/templates/${ids.template}`, title: "Profile template" },
  "/signin": { as: "anonymous", url: () => "/signin", title: "Sign in" },
  "/forbidden": { as: "admin", url: () => "/forbidden?need=audit.read", title: "Not allowed" },
  "/no-role": { as: "norole", url: () => "/no-role", title: "No access yet" },
};

/** Route patterns of the page.tsx files under app/(console) and app/(auth). */
function pageRoutes(): string[] {
  const routes: string[] = [];
  for (const group of ["(console)", "(auth)"]) {
    const root = path.resolve("app", group);
    for (const entry of readdirSync(root, { recursive: true, encoding: "utf8" })) {
      if (path.basename(entry) !== "page.tsx") continue;
      const dir = path.dirname(entry).split(path.sep).join("/");
      routes.push(dir === "." ? "/" : `/${dir}`);
    }
  }
  return routes.sort();
}

/** An API, a plan, a deployment, a Verify-all batch, a secret, a change set and a profile template made through the REST API, for the pages that show one. */
async function makeIds(request: APIRequestContext): Promise<Ids> {
  const instance = await syncedSandboxInstance(request);
  const api = await saveNewProfile(request, "azure-openai-eu");
  const plan = (await restCall(request, "POST", `/apis/${api}/plans`)).body.id as string;
  const deployment = (await restCall(request, "POST", `/plans/${plan}/apply`)).body.id as string;
  // One API at a time: the batch only has to exist for its page, not to finish.
  const batch = (await restCall(request, "POST", `/instances/${instance}/verifications`, { data: { concurrency: 1 } }))
    .body.id as string;
  const secret = (
    await restCall(request, "POST", `/instances/${instance}/secrets`, {
      data: { name: `title-key-${Date.now()}`, value: "a-key-for-the-title-test" },
    })
  ).body.id as string;
  const changeSet = (
    await restCall(request, "POST", "/change-sets", {
      data: { apiIds: [api], change: { op: "addAudience", audience: "api://page-titles" } },
    })
  ).body.id as string;
  const template = (
    await restCall(request, "POST", "/templates", {
      data: {
        name: `title-template-${Date.now()}`,
        profile: { backendAuth: { mode: "none" }, callerAuth: { mode: "none" } },
      },
    })
  ).body.id as string;
  return { instance, api, plan, deployment, batch, secret, changeSet, template };
}

test("the pages listed here are every page of the console", () => {
  expect(Object.keys(PAGES).sort()).toEqual(pageRoutes());
});

test("every console page carries its title in the <head> of the first HTML it sends", async ({
  request,
  playwright,
}) => {
  const ids = await makeIds(request);
  const visitors: Record<Visitor, APIRequestContext> = {
    anonymous: await playwright.request.newContext(),
    admin: await playwright.request.newContext(),
    norole: await playwright.request.newContext(),
  };
  for (const who of ["admin", "norole"] as const) {
    const callback = await visitors[who].get(await unusedCallbackUrl(visitors[who], who), { maxRedirects: 0 });
    expect(callback.headers()["location"], `${who} signed in`).toBeDefined();
  }

  for (const [route, page] of Object.entries(PAGES)) {
    for (const [browser, userAgent] of Object.entries(BROWSERS)) {
      const response = await visitors[page.as].get(page.url(ids), {
        headers: { "user-agent": userAgent },
        maxRedirects: 0,
      });
      const where = `${route} for ${browser}`;
      expect(response.status(), where).toBe(200);
      const html = await response.text();
      const head = html.slice(0, html.indexOf("</head>"));
      expect(head, where).toContain(`<title>${page.title} · Portcullis</title>`);
    }
  }
  await Promise.all(Object.values(visitors).map((context) => context.dispose()));
});
