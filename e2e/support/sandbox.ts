import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import type { SandboxCoordinates } from "../../sandbox/sandbox-coordinates";
import { E2E_DATA_DIR, E2E_PORT } from "./e2e-env";

/** What the running sandbox wrote to its data directory (users, clients, endpoints). */
export function sandbox(): SandboxCoordinates {
  return JSON.parse(readFileSync(path.resolve(E2E_DATA_DIR, "sandbox.json"), "utf8")) as SandboxCoordinates;
}

export function user(username: "admin" | "admin2" | "reviewer" | "reader" | "norole") {
  const found = sandbox().users.find((u) => u.username === username);
  if (!found) throw new Error(`sandbox user ${username} is missing from sandbox.json`);
  return found;
}

/** Signs in through the real OpenID redirects: app → identity provider's form → callback. */
export async function signIn(
  page: Page,
  username: "admin" | "admin2" | "reviewer" | "reader" | "norole",
  startAt = "/",
): Promise<void> {
  const { password } = user(username);
  await page.goto(startAt);
  await page.getByRole("link", { name: "Sign in with Microsoft Entra ID" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
}

/**
 * A client-credentials token from the sandbox provider, as automation gets one. The test
 * runner trusts the sandbox CA explicitly for this one connection.
 */
export async function clientCredentialsToken(
  client: { clientId: string; clientSecret: string } = sandbox().automationClient,
  scope = `${sandbox().apiAudience}/.default`,
  tenant: { authorityHost: string; tenantId: string } = sandbox(),
): Promise<string> {
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: client.clientId,
    client_secret: client.clientSecret,
    scope,
  }).toString();
  const ca = readFileSync(sandbox().caCertPath);
  const text = await new Promise<string>((resolve, reject) => {
    const request = https.request(
      `${tenant.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`,
      {
        method: "POST",
        ca,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let data = "";
        response.on("data", (chunk: Buffer) => (data += chunk.toString()));
        response.on("end", () =>
          response.statusCode === 200
            ? resolve(data)
            : reject(new Error(`token request failed: ${response.statusCode} ${data}`)),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
  return (JSON.parse(text) as { access_token: string }).access_token;
}

/** Signs out of Portcullis, then confirms on the identity provider's own sign-out page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/oauth2\/v2\.0\/logout/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/signin$/);
}

/**
 * Goes through the sign-in as a plain HTTP client (`request`, with its own cookies) and stops
 * before the callback: returns the callback URL the identity provider sent back, unused.
 */
export async function unusedCallbackUrl(
  request: APIRequestContext,
  username: "admin" | "admin2" | "reviewer" | "reader" | "norole",
): Promise<string> {
  const { password } = user(username);
  let url = `http://localhost:${E2E_PORT}/auth/signin?returnTo=%2F`;
  let form: Record<string, string> | undefined;
  for (let hop = 0; hop < 12; hop += 1) {
    const response = form
      ? await request.post(url, { form, maxRedirects: 0 })
      : await request.get(url, { maxRedirects: 0 });
    form = undefined;
    const location = response.headers()["location"];
    if (location) {
      url = new URL(location, url).href;
      if (new URL(url).pathname === "/auth/callback") return url;
      continue;
    }
    if ((await response.text()).includes('name="password"')) form = { username, password, action: "sign-in" };
    else throw new Error(`sign-in stopped at ${url} with HTTP ${response.status()}`);
  }
  throw new Error("sign-in did not reach the callback");
}
