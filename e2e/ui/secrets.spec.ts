import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { signIn } from "../support/sandbox";

/** Everything the server sent the browser while the test ran: pages, RSC payloads, action answers. */
function recordResponses(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", async (response) => {
    if (response.url().startsWith("http://localhost")) bodies.push(await response.text().catch(() => ""));
  });
  return bodies;
}

async function expectNowhere(page: Page, bodies: string[], value: string) {
  expect(await page.content()).not.toContain(value);
  const typed = await page
    .locator("input")
    .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  expect(typed).not.toContain(value);
  expect(bodies.filter((body) => body.includes(value))).toEqual([]);
}

test("an admin creates and rotates a secret, and its value is never shown again", async ({ page }) => {
  const bodies = recordResponses(page);
  const name = `e2e-key-${Date.now()}`;
  const value = `first-${randomUUID()}`;
  const rotated = `second-${randomUUID()}`;
  await signIn(page, "admin");
  await page.goto("/instances");
  await page.getByRole("navigation", { name: "sandbox links" }).getByRole("link", { name: "Secrets" }).click();
  await expect(page.getByRole("heading", { name: "Secrets of sandbox" })).toBeVisible();

  // A refused attempt: the value is not put back into the form, and the page says so.
  const form = page.getByRole("form", { name: "A value you type" });
  await form.getByLabel("Name").fill("not a name!");
  await form.getByLabel("Value").fill(value);
  await form.getByRole("button", { name: "Create secret" }).click();
  await expect(form.getByRole("alert")).toContainText("The secret was not created");
  await expect(form.getByLabel("Name")).toHaveAccessibleDescription(/may contain only letters/);
  await expect(form.getByLabel("Value")).toHaveValue("");
  await expect(form.getByLabel("Value")).toHaveAccessibleDescription(/emptied after each attempt/);
  await expectAccessible(page);

  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Value").fill(value);
  await expect(form.getByLabel("Value")).toHaveAttribute("type", "password");
  await expect(form.getByLabel("Value")).toHaveAttribute("autocomplete", "off");
  await form.getByRole("button", { name: "Create secret" }).click();
  await expect(form.getByRole("status")).toContainText(`Created ${name} in APIM (fingerprint hmac-sha256:`, {
    timeout: 20_000,
  });
  await expect(form.getByLabel("Value")).toHaveValue("");
  const row = page.getByRole("row").filter({ hasText: `{{${name}}}` });
  await expect(row).toContainText("fingerprint hmac-sha256:");

  // One way to rotate: the list links to the secret's page, where the key goes to a new named
  // value (the old one is never overwritten in place).
  await row.getByRole("link", { name: `Rotate ${name}` }).click();
  const rotate = page.getByRole("form", { name: `Rotate the key of ${name}` });
  await rotate.getByLabel("New key").fill(rotated);
  await rotate.getByRole("button", { name: "Plan the rotation" }).click();
  const rotation = page.getByRole("article", { name: /^Rotation to / });
  await expect(rotation).toContainText("planned: nothing applied yet", { timeout: 20_000 });

  await page.reload();
  await expectNowhere(page, bodies, value);
  await expectNowhere(page, bodies, rotated);
});
