import { expect, test } from "../support/test";
import { withAppDatabase } from "../support/database";
import { signIn, signOut, unusedCallbackUrl } from "../support/sandbox";

const SESSION_COOKIE = "__Host-portcullis-session";

test.describe("signing in through the sandbox identity provider", () => {
  const roles = [
    { username: "admin", label: "Administrator", canWrite: true, canAudit: true },
    { username: "reviewer", label: "Security reviewer", canWrite: false, canAudit: true },
    { username: "reader", label: "Reader", canWrite: false, canAudit: false },
  ] as const;

  for (const role of roles) {
    test(`${role.username} sees the console for their role`, async ({ page }) => {
      await signIn(page, role.username);

      await expect(page).toHaveURL(/\/$/);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Welcome");
      await expect(page.getByTestId("user-roles")).toHaveText(`(${role.label})`);
      const capabilities = page.getByTestId("capabilities");
      await expect(capabilities.getByText("(allowed)")).toHaveCount(1 + Number(role.canWrite) + Number(role.canAudit));
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" })).toHaveCount(
        role.canAudit ? 1 : 0,
      );
      await expect(page.getByRole("note", { name: "Sandbox mode" })).toBeVisible();
    });
  }

  test("the sign-in page loads without a failed request, its icon included", async ({ page }) => {
    const failed: string[] = [];
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.goto("/signin");
    await expect(page.getByRole("heading", { name: "Sign in to Portcullis" })).toBeVisible();
    const icon = await page.request.get("/favicon.ico");
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toBe("image/x-icon");
    await page.waitForLoadState("networkidle");
    expect(failed).toEqual([]);
  });

  test("a user without a role is told which role to request, and nothing else", async ({ page }) => {
    await signIn(page, "norole");

    await expect(page).toHaveURL(/\/no-role$/);
    await expect(page.getByRole("heading", { name: "You do not have access yet" })).toBeVisible();
    await expect(page.getByText("Portcullis.Reader")).toBeVisible();
    await expect(page.getByText("Portcullis.Admin")).toBeVisible();
    await page.goto("/audit");
    await expect(page).toHaveURL(/\/no-role$/);
  });

  test("a page asked for before signing in is shown after signing in", async ({ page }) => {
    await signIn(page, "reviewer", "/audit?action=auth.*");

    await expect(page).toHaveURL(/\/audit\?action=auth\.\*$/);
    await expect(page.getByRole("heading", { name: "Audit history" })).toBeVisible();
  });

  test("a reader who opens a reviewer page is refused and the attempt is audited", async ({ page, browser }) => {
    await signIn(page, "reader");
    await page.goto("/audit");

    await expect(page).toHaveURL(/\/forbidden\?need=audit\.read$/);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();

    const reviewer = await browser.newPage();
    await signIn(reviewer, "reviewer", "/audit?action=auth.denied");
    await expect(reviewer.getByRole("row").filter({ hasText: "auth.denied" }).first()).toContainText("Reader");
  });

  test("signing out ends the session everywhere: the old cookie no longer works", async ({ page, context }) => {
    await signIn(page, "admin");
    const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toBeDefined();

    await signOut(page);
    await expect(page.getByRole("heading", { name: "Sign in to Portcullis" })).toBeVisible();

    // Replaying the old session id is refused: it was revoked on the server, not just forgotten.
    await context.addCookies([cookie!]);
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin\?returnTo=%2F&reason=revoked$/);
    // And the identity provider's session ended too: signing in asks for credentials again.
    await page.getByRole("link", { name: "Sign in with Microsoft Entra ID" }).click();
    await expect(page.getByLabel("Password")).toBeVisible();
  });

  test("an expired session is sent back to sign-in, keeping the page it was on", async ({ page }) => {
    await signIn(page, "admin");
    await withAppDatabase((db) => db.query(`UPDATE sessions SET last_seen_at = now() - interval '2 hours'`));

    await page.goto("/audit");

    await expect(page).toHaveURL(/\/signin\?returnTo=%2Faudit&reason=expired$/);
    await expect(page.getByText("Your session expired")).toBeVisible();
  });

  test("a revoked session is sent back to sign-in", async ({ page }) => {
    await signIn(page, "reviewer");
    await withAppDatabase((db) => db.query(`UPDATE sessions SET revoked_at = now() WHERE revoked_at IS NULL`));

    await page.goto("/");

    await expect(page).toHaveURL(/reason=revoked$/);
    await expect(page.getByText("Your session was ended")).toBeVisible();
  });
});

test.describe("login CSRF", () => {
  test("a sign-in callback opened in another browser than the one that started it signs no one in", async ({
    page,
    playwright,
  }) => {
    // The attacker signs in with their own account and keeps the callback URL instead of opening it.
    const attacker = await playwright.request.newContext({ ignoreHTTPSErrors: true });
    const callbackUrl = await unusedCallbackUrl(attacker, "reader");

    // The victim is made to open it in their browser.
    await page.goto(callbackUrl);

    await expect(page).toHaveURL(/\/signin\?reason=failed$/);
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);
    await attacker.dispose();
  });

  test("the browser that started the sign-in finishes it", async ({ playwright }) => {
    const browser = await playwright.request.newContext({ ignoreHTTPSErrors: true });
    const callback = await browser.get(await unusedCallbackUrl(browser, "reader"), { maxRedirects: 0 });

    expect(callback.headers()["location"]).toMatch(/\/$/);
    expect((await browser.storageState()).cookies.map((c) => c.name)).toContain(SESSION_COOKIE);
    await browser.dispose();
  });
});
