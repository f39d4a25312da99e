import { expect, test } from "../support/test";
import { setApimFaults } from "../support/apim";
import { signIn } from "../support/sandbox";

test.afterEach(async () => {
  await setApimFaults([]);
});

test("a sync that APIM fails says what ARM answered, with the ids to quote", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/instances");
  // Every attempt of the API listing fails (the client retries 5xx a few times).
  await setApimFaults([{ kind: "serverError", status: 503, match: { methods: ["GET"], path: "/apis$" } }]);
  await page.getByRole("button", { name: "Sync APIs of sandbox" }).click();

  const error = page.getByRole("alert").filter({ hasText: "Sync of sandbox failed" });
  await expect(error).toBeFocused({ timeout: 30_000 });
  await expect(error).toContainText("ARM answered 503");
  await expect(error).toContainText("ServiceUnavailable");
  await expect(error.getByText("Correlation id")).toBeVisible();
});

test("registering an instance with bad coordinates names each field, and keeps what was typed", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/instances");
  const form = page.getByRole("form", { name: "Register an instance" });
  await form.getByLabel("Name", { exact: true }).fill("prod-westeurope");
  await form.getByLabel("Subscription id").fill("not-a-subscription");
  await form.getByLabel("Resource group").fill("rg-llm");
  await form.getByLabel("APIM service name").fill("-bad-");
  await form.getByRole("button", { name: "Register instance" }).click();

  await expect(form.getByRole("alert")).toBeFocused();
  await expect(form.getByLabel("Subscription id")).toHaveAccessibleDescription(
    /must be the Azure subscription id, a GUID/,
  );
  await expect(form.getByLabel("APIM service name")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("prod-westeurope");
  await expect(form.getByLabel("Resource group")).toHaveValue("rg-llm");
});

test("registering an instance at an ARM endpoint that is not an Azure cloud's is refused, naming the field", async ({
  page,
}) => {
  await signIn(page, "admin");
  await page.goto("/instances");
  const form = page.getByRole("form", { name: "Register an instance" });
  await form.getByLabel("Name", { exact: true }).fill("token-sink");
  await form.getByLabel("Subscription id").fill("11111111-1111-1111-1111-111111111111");
  await form.getByLabel("Resource group").fill("rg-llm");
  await form.getByLabel("APIM service name").fill("apim-sink");
  await form.getByLabel("ARM endpoint").fill("https://arm.attacker.example");
  await form.getByRole("button", { name: "Register instance" }).click();

  await expect(form.getByRole("alert")).toBeFocused();
  await expect(form.getByLabel("ARM endpoint")).toHaveAccessibleDescription(
    /must be the ARM endpoint of an Azure cloud/,
  );
  await page.reload();
  await expect(page.getByRole("button", { name: "Sync APIs of token-sink" })).toHaveCount(0);
});

test("a name with characters no text may hold is refused, naming the field, not answered with a database error", async ({
  page,
}) => {
  await signIn(page, "admin");
  await page.goto("/instances");
  const form = page.getByRole("form", { name: "Register an instance" });
  await form.getByLabel("Name", { exact: true }).fill("prod\u0000weu");
  await form.getByLabel("Subscription id").fill("11111111-1111-1111-1111-111111111111");
  await form.getByLabel("Resource group").fill("rg-llm");
  await form.getByLabel("APIM service name").fill("apim-nul");
  await form.getByRole("button", { name: "Register instance" }).click();

  await expect(form.getByRole("alert")).toBeFocused();
  await expect(form.getByLabel("Name", { exact: true })).toHaveAccessibleDescription(
    /must not contain control characters/,
  );
});
