import { expect, type Browser, type Page } from "@playwright/test";
import { signIn } from "./sandbox";

/** Discovers the sandbox instance's APIs (idempotent), as an admin does on the instances page. */
export async function syncSandbox(page: Page): Promise<void> {
  await page.goto("/instances");
  await page.getByRole("button", { name: "Sync APIs of sandbox" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Synced sandbox" })).toContainText(
    /Synced sandbox: \d+ APIs in APIM/,
  );
}

/** An admin discovers the sandbox's APIs in a page of their own, so that the tests' own user finds them. */
export async function syncSandboxAsAdmin(browser: Browser): Promise<void> {
  const admin = await browser.newPage();
  await signIn(admin, "admin");
  await syncSandbox(admin);
  await admin.close();
}

/** Opens an API's page from the APIs list. */
export async function openApi(page: Page, displayName: string): Promise<void> {
  await page.goto("/apis");
  await page.getByRole("link", { name: displayName, exact: true }).click();
  await page.waitForURL(/\/apis\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(displayName);
}

/** Applies the plan on screen and waits on the deployment page until the deployment has ended. */
export async function applyPlan(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^Apply/ }).click();
  await page.waitForURL(/\/deployments\//);
  await expect(page.getByTestId("deployment-progress")).toHaveText(/^(Succeeded|Failed|Conflicted)/, {
    timeout: 30_000,
  });
}
