import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { putApiInApim } from "../support/apim";
import { restCall, syncedSandboxInstance } from "../support/rest";
import { signIn } from "../support/sandbox";

/**
 * An API whose profile sends a typed secret of its own, applied through REST: something a
 * rotation has to switch. Returns the secret's page.
 */
async function keyInUse(request: APIRequestContext, name: string): Promise<string> {
  await putApiInApim(
    name,
    {
      displayName: `Rotation ${name}`,
      path: name,
      serviceUrl: "https://portcullis-sandbox-aoai.openai.azure.com/openai",
      subscriptionRequired: false,
    },
    { name: "chat", urlTemplate: "/deployments/{deployment-id}/chat/completions?api-version={api-version}" },
  );
  const instance = await syncedSandboxInstance(request);
  const secret = (
    await restCall(request, "POST", `/instances/${instance}/secrets`, {
      data: { name, value: `first-${randomUUID()}` },
    })
  ).body.id as string;
  const api = ((await restCall(request, "GET", `/apis?search=${name}`)).body.items as Array<{ id: string }>)[0]!.id;
  await restCall(request, "PUT", `/apis/${api}/access-profile`, {
    data: {
      backendAuth: { mode: "apiKey", namedValue: name, headerName: "api-key", delivery: "setHeader" },
      callerAuth: { mode: "none" },
    },
  });
  const plan = (await restCall(request, "POST", `/apis/${api}/plans`)).body.id as string;
  const deployment = (await restCall(request, "POST", `/plans/${plan}/apply`)).body.id as string;
  await expect
    .poll(async () => (await restCall(request, "GET", `/deployments/${deployment}`)).body.status, { timeout: 30_000 })
    .toBe("succeeded");
  return `/instances/${instance}/secrets/${secret}`;
}

test("an admin rotates a key through a plan, sees it applied with its grace period, and rolls it back", async ({
  page,
  request,
}) => {
  const name = `e2e-rotation-${Date.now()}`;
  const newKey = `rotated-${randomUUID()}`;
  const secretPage = await keyInUse(request, name);
  await signIn(page, "admin");
  await page.goto(secretPage);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`{{${name}}}`);
  await expect(page.getByRole("region", { name: "The key" })).toContainText("0 days old");

  // A refused attempt names the field, and the key is not put back into the form.
  const form = page.getByRole("form", { name: `Rotate the key of ${name}` });
  await form.getByLabel("New key").fill(newKey);
  await form.getByLabel("Grace period (minutes)").fill("-5");
  await form.getByRole("button", { name: "Plan the rotation" }).click();
  await expect(form.getByRole("alert")).toContainText("The rotation was not started");
  await expect(form.getByLabel("Grace period (minutes)")).toHaveAccessibleDescription(/must not be negative/);
  await expect(form.getByLabel("New key")).toHaveValue("");
  await expectAccessible(page);

  // With the keyboard: type the key, tab to the grace period, submit with Enter.
  await form.getByLabel("New key").fill(newKey);
  await form.getByLabel("New key").press("Tab");
  await expect(form.getByLabel("Grace period (minutes)")).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("30");
  await page.keyboard.press("Enter");

  // The plan preview: which API switches to which named value, before anything is applied.
  const rotation = page.getByRole("article", { name: /^Rotation to / });
  await expect(rotation).toContainText("planned: nothing applied yet", { timeout: 20_000 });
  await expect(rotation.getByRole("heading", { name: "Plans of the switch (1)" })).toBeVisible();
  await expect(rotation.getByRole("link", { name, exact: true })).toBeVisible();
  await expect(rotation.getByRole("link", { name: `Read the plan for ${name}` })).toBeVisible();
  await expectAccessible(page);

  await rotation.getByRole("button", { name: "Apply the rotation" }).click();
  await expect(rotation).toContainText("applied: grace period", { timeout: 60_000 });
  await expect(rotation.getByRole("heading", { name: "Deployments" })).toBeVisible();
  await expect(rotation.getByText("succeeded", { exact: true })).toBeVisible();
  await expect(rotation.getByRole("heading", { name: "Verified at the gateway" })).toBeVisible({ timeout: 60_000 });
  await expect(rotation).toContainText(`{{${name}}} is kept for the grace period, so you can roll back`);
  await expect(rotation).toContainText(/(29|30) minutes left/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`{{${name}-r`);
  await expectAccessible(page);

  await rotation.getByRole("button", { name: "Roll back" }).click();
  await expect(rotation.getByRole("heading", { name: "Plans of the roll back (1)" })).toBeVisible({ timeout: 20_000 });
  await expect(rotation).toContainText("roll back planned");
  await rotation.getByRole("button", { name: "Apply the roll back" }).click();

  // Rolled back: the secret is the old named value again, and the rotation is history.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Secret {{${name}}}`, { timeout: 60_000 });
  await expect(page.getByRole("region", { name: "Earlier rotations" })).toContainText("rolled back");
  await expect(page.getByRole("form", { name: `Rotate the key of ${name}` })).toBeVisible();
  expect(await page.content()).not.toContain(newKey);
});
