import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createCookieBrowser, signInThroughForm } from "../../test/support/identity/sign-in-through-form";
import {
  TEST_POST_LOGOUT_URI,
  TEST_REDIRECT_URI,
  startTestIdentityProvider,
  type TestIdentityProvider,
} from "../../test/support/identity/start-test-identity-provider";
import { AppError } from "../errors";
import { createEntraSignIn, type EntraSignIn } from "./msal-client";

// MSAL Node, configured exactly as the app configures it, against the sandbox provider over
// real HTTPS: the authorization-code flow with PKCE driven through the sign-in form.
let env: TestIdentityProvider;
let signIn: EntraSignIn;

beforeAll(async () => {
  env = await startTestIdentityProvider(inject("sandboxTlsDir"));
  signIn = createEntraSignIn(env.config);
});
afterAll(async () => {
  await env?.close();
});

function user(username: string) {
  const found = env.idp.users.find((candidate) => candidate.username === username);
  if (!found) throw new Error(`no sandbox user ${username}`);
  return found;
}

async function unauthenticatedReason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("unauthenticated");
  return (error as AppError).message;
}

describe("sign-in with MSAL against the sandbox identity provider", () => {
  it.each([
    ["admin", ["Portcullis.Admin"]],
    ["reviewer", ["Portcullis.Reviewer"]],
    ["reader", ["Portcullis.Reader"]],
    ["norole", []],
  ])("signs %s in and returns their app roles %j", async (username, roles) => {
    const start = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const callbackParams = await signInThroughForm(start.authorizationUrl, user(username), TEST_REDIRECT_URI);

    const signedIn = await signIn.completeSignIn({ redirectUri: TEST_REDIRECT_URI, callbackParams, pending: start });

    expect(signedIn).toEqual({
      oid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tid: env.idp.tenantId,
      name: expect.stringContaining("Sandbox"),
      username,
      roles,
    });
  });

  it("asks the tenant's authorize endpoint for a code with PKCE (S256), state and nonce", async () => {
    const start = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const url = new URL(start.authorizationUrl);

    expect(`${url.origin}${url.pathname}`).toBe(`${env.idp.authorityHost}/${env.idp.tenantId}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("code_challenge")).not.toBe(start.codeVerifier);
    expect(url.searchParams.get("state")).toBe(start.state);
    expect(url.searchParams.get("nonce")).toBe(start.nonce);
  });

  it("refuses a callback whose state belongs to another sign-in", async () => {
    const mine = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const theirs = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const callbackParams = await signInThroughForm(theirs.authorizationUrl, user("admin"), TEST_REDIRECT_URI);

    const reason = await unauthenticatedReason(
      signIn.completeSignIn({ redirectUri: TEST_REDIRECT_URI, callbackParams, pending: mine }),
    );
    expect(reason).toBe("The sign-in response does not belong to this sign-in");
  });

  it("refuses a code redeemed with another sign-in's PKCE verifier", async () => {
    const start = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const other = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const callbackParams = await signInThroughForm(start.authorizationUrl, user("reader"), TEST_REDIRECT_URI);

    const reason = await unauthenticatedReason(
      signIn.completeSignIn({
        redirectUri: TEST_REDIRECT_URI,
        callbackParams,
        pending: { ...start, codeVerifier: other.codeVerifier },
      }),
    );
    expect(reason).toBe("The sign-in code has expired or was already used");
  });

  it("refuses a code that was already redeemed", async () => {
    const start = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const callbackParams = await signInThroughForm(start.authorizationUrl, user("reader"), TEST_REDIRECT_URI);
    await signIn.completeSignIn({ redirectUri: TEST_REDIRECT_URI, callbackParams, pending: start });

    const reason = await unauthenticatedReason(
      signIn.completeSignIn({ redirectUri: TEST_REDIRECT_URI, callbackParams, pending: start }),
    );
    expect(reason).toBe("The sign-in code has expired or was already used");
  });

  it("reports a sign-in the user cancelled on the form", async () => {
    const start = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const browser = createCookieBrowser();
    const login = await browser.request(start.authorizationUrl);
    const formUrl = new URL(login.headers.get("location") ?? "", start.authorizationUrl).href;
    await browser.request(formUrl);
    let response = await browser.request(formUrl, { action: "cancel" });
    while (!response.headers.get("location")?.startsWith(TEST_REDIRECT_URI)) {
      response = await browser.request(new URL(response.headers.get("location") ?? "", formUrl).href);
    }
    const callbackParams = new URL(response.headers.get("location") ?? "").searchParams;

    const reason = await unauthenticatedReason(
      signIn.completeSignIn({ redirectUri: TEST_REDIRECT_URI, callbackParams, pending: start }),
    );
    expect(reason).toBe("Sign-in was cancelled");
  });

  it("signs the user out at the provider and returns to the app", async () => {
    const browser = createCookieBrowser();
    const first = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    await signInThroughForm(first.authorizationUrl, user("admin"), TEST_REDIRECT_URI, browser);

    // Signed in at the provider: the next authorization request returns a code without the
    // form (these empty credentials would fail if the form were shown).
    const again = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    const sso = await signInThroughForm(
      again.authorizationUrl,
      { username: "", password: "" },
      TEST_REDIRECT_URI,
      browser,
    );
    expect(sso.get("code")).toBeTruthy();

    const logoutUrl = await signIn.signOutUrl({ postLogoutRedirectUri: TEST_POST_LOGOUT_URI });
    expect(logoutUrl.startsWith(`${env.idp.authorityHost}/${env.idp.tenantId}/oauth2/v2.0/logout?`)).toBe(true);
    const confirmation = await (await browser.request(logoutUrl)).text();
    const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"/.exec(confirmation)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirmation)?.[1];
    expect(action && xsrf).toBeTruthy();
    const signedOut = await browser.request(new URL(action ?? "", logoutUrl).href, { xsrf: xsrf ?? "", logout: "yes" });
    expect(signedOut.headers.get("location")).toBe(TEST_POST_LOGOUT_URI);

    // Signed out: the provider asks for credentials again.
    const afterwards = await signIn.startSignIn({ redirectUri: TEST_REDIRECT_URI });
    await expect(
      signInThroughForm(
        afterwards.authorizationUrl,
        { username: "admin", password: "wrong" },
        TEST_REDIRECT_URI,
        browser,
      ),
    ).rejects.toThrow(/username or password is incorrect/);
  });
});
