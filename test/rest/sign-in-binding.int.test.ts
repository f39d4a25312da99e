import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as callback } from "../../app/auth/callback/route";
import { GET as signIn } from "../../app/auth/signin/route";
import { signInThroughForm } from "../support/identity/sign-in-through-form";
import { setupSandboxHarness } from "../support/sandbox-harness";

/**
 * Login CSRF: the sign-in's state, nonce and PKCE verifier are bound to the browser that started
 * it by a short-lived __Host- cookie, so a callback URL opened in another browser (a victim sent
 * the attacker's link) signs no one in.
 */
const APP_URL = "http://localhost:3999";
process.env.APP_URL = APP_URL;
const sandbox = setupSandboxHarness();
const SIGN_IN_COOKIE = "__Host-portcullis-signin";
const SESSION_COOKIE = "__Host-portcullis-session";

let admin: { username: string; password: string };
beforeAll(() => {
  admin = sandbox.coordinates.users.find((user) => user.username === "admin")!;
});

/** Starts a sign-in in a browser holding `cookie`; returns the binding cookie and the callback URL the provider sends back. */
async function startSignIn(cookie?: string) {
  const started = await signIn(
    new NextRequest(`${APP_URL}/auth/signin?returnTo=%2Fapis`, {
      headers: cookie ? { cookie: `${SIGN_IN_COOKIE}=${cookie}` } : {},
    }),
  );
  const setCookie = started.headers.getSetCookie().find((header) => header.startsWith(`${SIGN_IN_COOKIE}=`));
  const binding = /^[^=]+=([^;]*)/.exec(setCookie ?? "")?.[1];
  const params = await signInThroughForm(started.headers.get("location")!, admin, `${APP_URL}/auth/callback`);
  return { setCookie, binding, callbackUrl: `${APP_URL}/auth/callback?${params}` };
}

async function openCallback(url: string, cookie?: string) {
  const response = await callback(
    new NextRequest(url, { headers: cookie ? { cookie: `${SIGN_IN_COOKIE}=${cookie}` } : {} }),
  );
  const session = response.headers.getSetCookie().some((header) => header.startsWith(`${SESSION_COOKIE}=`));
  return { location: response.headers.get("location"), session };
}

describe("sign-in bound to the browser that started it", () => {
  it("sets a short-lived __Host- cookie at the start: HttpOnly, Secure, SameSite=Lax, Path=/", async () => {
    const { setCookie, binding } = await startSignIn();
    expect(binding).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const attributes = setCookie!.split(";").map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/", "max-age=600"]));
    expect(attributes.some((attribute) => attribute.startsWith("domain="))).toBe(false);
  });

  it("signs in the browser that started the sign-in", async () => {
    const { binding, callbackUrl } = await startSignIn();
    expect(await openCallback(callbackUrl, binding)).toEqual({ location: `${APP_URL}/apis`, session: true });
  });

  it("refuses the callback in another browser, with or without a sign-in of its own, and audits it", async () => {
    const attacker = await startSignIn();
    const victim = await startSignIn();

    for (const cookie of [undefined, victim.binding]) {
      const attackerAgain = cookie ? await startSignIn() : attacker;
      const opened = await openCallback(attackerAgain.callbackUrl, cookie);
      expect(opened).toEqual({ location: `${APP_URL}/signin?reason=failed`, session: false });
    }
    const refusals = await sandbox.db.prisma.auditEvent.findMany({
      where: { action: "auth.signin", outcome: "failure" },
    });
    expect(refusals.map((event) => (event.after as { reason: string }).reason)).toEqual([
      expect.stringMatching(/started in another browser/),
      expect.stringMatching(/started in another browser/),
    ]);
  });

  it("reuses the browser's cookie for a second sign-in started in another tab, so both can finish", async () => {
    const first = await startSignIn();
    const second = await startSignIn(first.binding);
    expect(second.binding).toBe(first.binding);
    expect((await openCallback(second.callbackUrl, first.binding)).session).toBe(true);
    expect((await openCallback(first.callbackUrl, first.binding)).session).toBe(true);
  });
});
