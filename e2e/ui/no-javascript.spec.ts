import { expect, test } from "../support/test";
import { openApi, syncSandbox } from "../support/console";
import { embeddingsBase } from "../support/apim";
import { signIn } from "../support/sandbox";

// An earlier spec may have let Entra callers in on Azure OpenAI, which its embeddings operation would skip.
test.beforeAll(() => embeddingsBase.restore());
test.afterAll(() => embeddingsBase.drop());

test("without JavaScript, applying a plan still ends on the deployment's outcome", async ({ page, browser }) => {
  // Prepare a plan with JavaScript: a new header name for Azure OpenAI's key.
  await signIn(page, "admin");
  await syncSandbox(page);
  await openApi(page, "Azure OpenAI");
  await page.getByRole("link", { name: /^(Edit access profile|Start from the live policy)$/ }).click();
  await page.getByLabel("Header name").fill(`x-key-${Date.now()}`);
  await page.getByRole("button", { name: "Save new version" }).click();
  await page.getByRole("button", { name: "Plan changes" }).click();
  await page.waitForURL(/\/plans\//);
  const planUrl = page.url();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const plain = await context.newPage();
  await signIn(plain, "admin");
  await plain.goto(planUrl);
  await plain.getByRole("button", { name: "Apply" }).click();
  await plain.waitForURL(/\/deployments\//);
  // The page reloads itself (meta refresh) until the deployment has ended.
  await expect(plain.getByText("Succeeded: APIM now matches the plan.")).toBeVisible({ timeout: 30_000 });
  await context.close();
});
