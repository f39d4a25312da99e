import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import type { SandboxCoordinates } from "../../sandbox/sandbox-coordinates";

/** Where benchmarks run the app (the perf engineer's assigned port; sandbox on the next three). */
export const BENCH_APP_PORT = Number(process.env.PORT ?? 3660);

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Portcullis as a user starts it, `npm start` in sandbox mode (building first when the sources
 * changed), on a fresh data directory, with the embedded database unless `databaseUrl` is given.
 */
export interface RunningApp {
  baseUrl: string;
  dataDir: string;
  sandbox: SandboxCoordinates;
  /** A bearer token of the sandbox automation client (admin) for /api/v1. */
  token: string;
  /** GET/POST/PUT on /api/v1 with the sandbox automation client's bearer token (admin). */
  rest<T>(method: string, route: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startApp(options: { databaseUrl?: string } = {}): Promise<RunningApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-app-"));
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/start.ts")], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PORT: String(BENCH_APP_PORT),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    },
  });
  const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
  const baseUrl = `http://localhost:${BENCH_APP_PORT}`;
  const close = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // The first start builds the app: minutes on a busy machine.
    for (const started = Date.now(); ; await sleep(500)) {
      if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before it was up`);
      if (Date.now() - started > 15 * 60_000) throw new Error("the app did not answer /api/health within 15 minutes");
      const health = await fetch(`${baseUrl}/api/health`).catch(() => null);
      if (health?.ok) break;
    }
    const sandbox = JSON.parse(readFileSync(path.join(dataDir, "sandbox.json"), "utf8")) as SandboxCoordinates;
    const token = await clientCredentialsToken(sandbox);
    const rest = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${baseUrl}/api/v1${route}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    return { baseUrl, dataDir, sandbox, token, rest, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The automation client's token (client credentials) from the sandbox identity provider. */
async function clientCredentialsToken(sandbox: SandboxCoordinates): Promise<string> {
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: sandbox.automationClient.clientId,
    client_secret: sandbox.automationClient.clientSecret,
    scope: `${sandbox.apiAudience}/.default`,
  });
  const text = await sandboxRequest(sandbox, "POST", `${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`, {
    type: "application/x-www-form-urlencoded",
    text: body.toString(),
  });
  return (JSON.parse(text) as { access_token: string }).access_token;
}

/**
 * An HTTPS request to a sandbox server (identity provider, APIM simulator), trusting the
 * sandbox CA for this one request: this process started before the CA existed. Resolves with
 * the body of a 2xx answer, rejects with the status and body of any other.
 */
export function sandboxRequest(
  sandbox: Pick<SandboxCoordinates, "caCertPath">,
  method: string,
  url: string,
  body?: { type: string; text: string },
): Promise<string> {
  const agent = new Agent({ ca: readFileSync(sandbox.caCertPath) });
  return new Promise<string>((resolve, reject) => {
    const sent = request(url, { method, agent, headers: body ? { "content-type": body.type } : {} }, (response) => {
      let data = "";
      response.on("data", (chunk: Buffer) => (data += chunk.toString()));
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(data);
        else reject(new Error(`${method} ${url}: ${status} ${data}`));
      });
    });
    sent.on("error", reject);
    sent.end(body?.text);
  });
}

/**
 * Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core, and a
 * browser context signed in to the app as `username` through the real sign-in form.
 */
export async function signedInBrowser(
  app: RunningApp,
  username: "admin" | "reviewer" | "reader",
): Promise<{ browser: Browser; signedIn: BrowserContext }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
  });
  const signedIn = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await signedIn.newPage();
  const { password } = app.sandbox.users.find((user) => user.username === username)!;
  await page.goto(`${app.baseUrl}/`);
  await page.getByRole("link", { name: "Sign in with Microsoft Entra ID" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(`${app.baseUrl}/`);
  await page.close();
  return { browser, signedIn };
}
