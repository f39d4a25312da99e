import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { SandboxTenant, SandboxUser } from "./identity-state";
import { PAGE_HEADERS, errorPage, loginPage } from "./pages";

const MAX_FORM_BYTES = 16 * 1024;

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS).end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Compares digests so neither the length nor the content of a password leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function authenticate(tenant: SandboxTenant, username: string, password: string): SandboxUser | undefined {
  const user = tenant.users.find((candidate) => candidate.username === username.trim().toLowerCase());
  const passwordMatches = sameSecret(password, user?.password ?? "");
  return user && passwordMatches ? user : undefined;
}

/**
 * The sign-in step of an authorization request (`/{tenantId}/interaction/{uid}`): GET shows
 * the form, POST checks the credentials and hands the result back to oidc-provider, which
 * continues the authorization (consent is automatic, see auto-consent.ts).
 */
export async function handleInteraction(
  provider: Provider,
  tenant: SandboxTenant,
  req: IncomingMessage,
  res: ServerResponse,
  action: string,
): Promise<void> {
  let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    sendHtml(
      res,
      400,
      errorPage(
        "Sign-in expired",
        "This sign-in request has expired or was already completed. Go back to Portcullis and sign in again.",
      ),
    );
    return;
  }

  if (req.method === "GET") {
    sendHtml(res, 200, loginPage({ action, username: String(details.params.login_hint ?? "") }));
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "GET, POST" }).end();
    return;
  }

  const form = await readForm(req);
  if (form.get("action") === "cancel") {
    await provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "The user cancelled the sign-in." },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const username = form.get("username") ?? "";
  const user = authenticate(tenant, username, form.get("password") ?? "");
  if (!user) {
    sendHtml(res, 200, loginPage({ action, username, error: "The username or password is incorrect." }));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
}
