import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { webhooksReceived } from "../support/apim";
import { sandbox, signIn } from "../support/sandbox";
import { expect, test } from "../support/test";

test("an admin registers a webhook, sees its secret once, sends a test event and sees it delivered", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const receiver = `e2e-${randomUUID().slice(0, 8)}`;
  const url = `${sandbox().armEndpoint}/_sandbox/webhooks/${receiver}`;
  await signIn(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();

  const form = page.getByRole("form", { name: "Register a webhook" });
  await form.getByLabel("URL").fill(url);
  await form.getByLabel("Drift detected").check();
  await form.getByLabel("Deployment failed").check();
  await form.getByRole("button", { name: "Register webhook" }).click();

  const secretField = page.getByLabel("Signing secret");
  await expect(secretField).toHaveValue(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const secret = await secretField.inputValue();
  await page.getByRole("button", { name: "Copy secret" }).click();
  await expect(page.getByText("Copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // Shown once: after a reload the page has the webhook but not its secret.
  await page.reload();
  const card = page.getByRole("article", { name: url });
  await expect(card).toContainText("Drift detected, Deployment failed");
  await expect(page.getByLabel("Signing secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret.slice("whsec_".length));

  await card.getByRole("button", { name: "Send test event" }).click();
  await expect(card.getByRole("status").filter({ hasText: "Test event delivered" })).toContainText("answered 204");
  const row = card.getByTestId("delivery-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("webhook.test");
  await expect(row).toContainText("delivered");

  // What the receiver got verifies with the secret the admin was shown (Standard Webhooks).
  const [received] = await webhooksReceived(receiver);
  expect(new Webhook(secret).verify(received!.body, received!.headers)).toMatchObject({
    specversion: "1.0",
    type: "com.portcullis.webhook.test",
  });
});

test("a webhook to a private address is refused, naming the URL field", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/notifications");
  const form = page.getByRole("form", { name: "Register a webhook" });
  await form.getByLabel("URL").fill("https://169.254.169.254/latest/meta-data");
  await form.getByLabel("Audit checkpoint signed").check();
  await form.getByRole("button", { name: "Register webhook" }).click();

  await expect(form.getByRole("alert")).toBeFocused();
  await expect(form.getByLabel("URL")).toHaveAccessibleDescription(/169\.254\.169\.254/);
  await expect(form.getByLabel("URL")).toHaveValue("https://169.254.169.254/latest/meta-data");
});
