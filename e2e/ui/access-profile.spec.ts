import { expect, test } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { applyPlan, openApi, syncSandbox } from "../support/console";
import { embeddingsBase } from "../support/apim";
import { signIn } from "../support/sandbox";

const CLIENT_A = "11111111-2222-3333-4444-555555555555";
const CLIENT_B = "22222222-3333-4444-5555-666666666666";

test.describe("an admin changes who may call an API", () => {
  // Each test builds on what the one before it saved or applied.
  test.describe.configure({ mode: "serial" });

  test.beforeEach(async ({ page }) => {
    await signIn(page, "admin");
  });

  // The refused plan's step gives the seeded embeddings operation its <base /> back; later specs find it as seeded.
  test.afterAll(() => embeddingsBase.drop());

  // One admin's session, cut into the steps it takes so that each stays well inside the test
  // timeout on a loaded machine; each step starts where the previous one left APIM and the profile.
  // The plan the embeddings operation blocks, posted again by hand below.
  let blockedPlanId = "";

  test("edits the access profile, correcting an error without retyping", async ({ page }) => {
    await syncSandbox(page);
    await expectAccessible(page);
    await openApi(page, "Azure OpenAI");
    // No profile yet: start from what the live policy already does (an API key through a backend).
    await expect(page.getByText("What the live APIM policy does today")).toBeVisible();
    await expect(page.getByText("Read from the statements someone wrote into the policy by hand.")).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Start from the live policy" }).click();
    await expect(page.getByLabel("Named value")).toHaveValue("azure-openai-api-key");

    await page.getByRole("radio", { name: "Microsoft Entra token" }).check();
    await page.getByLabel("Tenant").fill("contoso.onmicrosoft.com");
    await page.getByLabel("Client application id 1").fill("not-a-guid");
    await page.getByRole("button", { name: "Add client application id" }).click();
    await expect(page.getByLabel("Client application id 2")).toBeFocused();
    await page.getByLabel("Client application id 2").fill(CLIENT_B);
    await page.getByRole("button", { name: "Save new version" }).click();

    // The server's error, next to the field and in a summary that takes focus; nothing typed is lost.
    const summary = page.getByRole("alert").filter({ hasText: "The profile was not saved" });
    await expect(summary).toBeFocused();
    await expect(
      summary.getByRole("link", { name: /callerAuth\.clientApplicationIds\[0\]: must be a GUID/ }),
    ).toBeVisible();
    const first = page.getByLabel("Client application id 1");
    await expect(first).toHaveAttribute("aria-invalid", "true");
    await expect(first).toHaveAccessibleDescription(/must be a GUID/);
    await expect(page.getByLabel("Tenant")).toHaveValue("contoso.onmicrosoft.com");
    await expect(page.getByLabel("Client application id 2")).toHaveValue(CLIENT_B);
    await expect(page.getByLabel("Rendered policy XML")).toHaveCount(0);
    await expectAccessible(page);

    await summary.getByRole("link").first().click();
    await expect(first).toBeFocused();
    await first.fill(CLIENT_A);
    await expect(page.getByLabel("Rendered policy XML")).toContainText(`<application-id>${CLIENT_A}</application-id>`);
    await page.getByRole("button", { name: "Save new version" }).click();

    await expect(page).toHaveURL(/\/apis\/[0-9a-f-]+\?saved=1$/);
    await expect(page.getByText("Saved version 1.")).toBeVisible();
    await expect(page.getByRole("region", { name: "Caller authentication" })).toContainText(CLIENT_B);
  });

  test("a plan is refused while the embeddings operation would skip the new caller check, naming it", async ({
    page,
  }) => {
    await openApi(page, "Azure OpenAI");
    // The embeddings operation drops <base />: the new caller check would not run for it, so the plan is refused.
    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByRole("heading", { name: "Plan for Azure OpenAI" })).toBeVisible();
    const refusal = page
      .getByRole("alert")
      .filter({ hasText: "This plan cannot be applied: another policy scope would undo the access profile." });
    await expect(refusal).toContainText("operation policy embeddings_create, line");
    await expect(refusal).toContainText("<validate-azure-ad-token>");
    const findings = page.getByRole("table", { name: "Effective-access findings of the policy this plan writes" });
    await expect(findings.getByRole("row").filter({ hasText: "caller-validation-skipped" })).toContainText(
      "operation embeddings_create through no product",
    );
    await expect(page.getByRole("button", { name: /^Apply/ })).toHaveCount(0);
    await expectAccessible(page);
    blockedPlanId = /\/plans\/([0-9a-f-]+)/.exec(page.url())![1]!;

    // The admin gives the operation its <base /> back in APIM: the next step plans again.
    await embeddingsBase.restore();
  });

  test("an apply of the refused plan posted anyway (a stale or hand-made form) is refused, naming why", async ({
    page,
  }) => {
    await openApi(page, "Azure OpenAI");
    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByRole("heading", { name: "Plan for Azure OpenAI" })).toBeVisible();
    // The Apply form of this (applicable) plan, posted with the refused plan's id.
    await page.locator('input[type="hidden"][name="planId"]').evaluate((input, id) => {
      (input as HTMLInputElement).value = id;
    }, blockedPlanId);
    await page.getByRole("button", { name: "Apply" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "The plan was not applied" });
    await expect(refusal).toContainText(
      "This plan cannot be applied: another policy scope would undo the access profile: ",
    );
    await expect(refusal).toContainText("embeddings_create");
    await expect(page).toHaveURL(/\/plans\//); // no deployment was started
    await expectAccessible(page);
  });

  test("plans the saved profile, showing the If-Match and the added lines, and applies it", async ({ page }) => {
    await openApi(page, "Azure OpenAI");
    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByRole("heading", { name: "Plan for Azure OpenAI" })).toBeVisible();
    await expect(page.getByText("This plan cannot be applied")).toHaveCount(0);
    await expect(page.getByRole("listitem").filter({ hasText: "Update the API policy azure-openai" })).toContainText(
      'If-Match "',
    );
    const diff = page.getByRole("table", { name: "Changes to the API policy, line by line" });
    await expect(
      diff
        .getByRole("row")
        .filter({ hasText: "added" })
        .filter({ hasText: 'validate-azure-ad-token tenant-id="contoso.onmicrosoft.com"' }),
    ).toHaveCount(1);
    await expectAccessible(page);

    await applyPlan(page);
    await expect(page.getByTestId("deployment-progress")).toHaveText("Succeeded: 1 of 1 steps done.");
    await expect(page.getByText("Succeeded: APIM now matches the plan.")).toBeVisible();
    const step = page.getByRole("row").filter({ hasText: "policy.update" });
    await expect(step).toContainText("succeeded");
    await expect(step).toContainText("200");
    await expect(step.getByRole("cell").nth(3)).toHaveText(/^"/); // the If-Match sent: the ETag the plan read
    await expectAccessible(page);
  });

  test("after the apply, a second plan is empty", async ({ page }) => {
    await openApi(page, "Azure OpenAI");
    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByText("Already in sync: APIM already matches this profile.")).toBeVisible();
    await expect(page.getByRole("button", { name: /^Apply/ })).toHaveCount(0);
  });

  test("a save on top of someone else's newer version is refused, keeps the edit and offers the latest version", async ({
    page,
    browser,
  }) => {
    await openApi(page, "Azure OpenAI");
    await page.getByRole("link", { name: "Edit access profile" }).click();
    await page.getByLabel("Tenant").fill("fabrikam.onmicrosoft.com");

    // Meanwhile another admin saves a new version.
    const other = await browser.newPage();
    await signIn(other, "admin");
    await openApi(other, "Azure OpenAI");
    await other.getByRole("link", { name: "Edit access profile" }).click();
    await other.getByRole("button", { name: "Add audience" }).click();
    await other.getByLabel("Audience 1").fill("api://chat");
    await other.getByRole("button", { name: "Save new version" }).click();
    await expect(other).toHaveURL(/\?saved=\d+$/);

    await page.getByRole("button", { name: "Save new version" }).click();
    await expect(page.getByText("Someone else saved this profile while you were editing.")).toBeVisible();
    await expect(page.getByLabel("Tenant")).toHaveValue("fabrikam.onmicrosoft.com");
    await page.getByRole("link", { name: "Load the latest version" }).click();
    await expect(page.getByLabel("Audience 1")).toHaveValue("api://chat");
    await expect(page.getByLabel("Tenant")).toHaveValue("contoso.onmicrosoft.com");
  });

  test("adopting a hand-written policy takes over its statements: the plan shows the removed lines, and after the apply the API is in sync", async ({
    page,
  }) => {
    await syncSandbox(page);
    await openApi(page, "Chat (token limited)");
    await page.getByRole("link", { name: "Start from the live policy" }).click();
    // The hand-written validation takes its tenant from a named value, which a profile cannot hold.
    await expect(page.getByText("Some of the live policy could not be read into the profile.")).toBeVisible();
    const adopt = page.getByRole("checkbox", { name: "Take over the hand-written policy" });
    await expect(adopt).toBeChecked();
    await expect(adopt).toHaveAccessibleDescription(
      /hand-written statements this profile was read from will be removed from the policy and replaced by Portcullis's block — the plan shows exactly which lines/,
    );
    await expectAccessible(page);

    await page.getByRole("radio", { name: "Microsoft Entra token" }).check();
    await page.getByLabel("Tenant").fill("00000000-0000-0000-0000-0000000000aa");
    await page.getByLabel("Client application id 1").fill(CLIENT_A);
    await page.getByRole("button", { name: "Save new version" }).click();
    await expect(page.getByText("Saved version 1.")).toBeVisible();
    await expect(page.getByText("It takes over the hand-written policy")).toBeVisible();
    // Until it is applied, the next edit offers it again (checked), so a fix keeps it.
    await page.getByRole("link", { name: "Edit access profile" }).click();
    await expect(page.getByRole("checkbox", { name: "Take over the hand-written policy" })).toBeChecked();
    await page.getByRole("link", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByRole("heading", { name: "Plan for Chat (token limited)" })).toBeVisible();
    const diff = page.getByRole("table", { name: "Changes to the API policy, line by line" });
    const removed = diff.getByRole("row").filter({ hasText: "removed" });
    await expect(removed.filter({ hasText: 'validate-azure-ad-token tenant-id="{{entra-tenant-id}}"' })).toHaveCount(1);
    await expect(removed.filter({ hasText: 'set-backend-service backend-id="foundry-backend-key"' })).toHaveCount(1);
    await expect(removed.filter({ hasText: "llm-token-limit" })).toHaveCount(0);
    await expectAccessible(page);

    await applyPlan(page);
    await expect(page.getByText("Succeeded: APIM now matches the plan.")).toBeVisible();
    await page.getByRole("link", { name: "Chat (token limited)" }).click();
    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByText("Already in sync: APIM already matches this profile.")).toBeVisible();
    await page.getByRole("link", { name: "Chat (token limited)" }).click();
    await page.getByRole("link", { name: "Edit access profile" }).click();
    await expect(page.getByLabel("Tenant")).toHaveValue("00000000-0000-0000-0000-0000000000aa");
    await expect(page.getByRole("checkbox", { name: "Take over the hand-written policy" })).toHaveCount(0);
  });
});
