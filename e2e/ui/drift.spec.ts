import { expect, test, type Page } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { editPolicyInApim, setApimFaults } from "../support/apim";
import { applyPlan, openApi, syncSandbox } from "../support/console";
import { signIn } from "../support/sandbox";

/** Gives Foundry Models an Entra caller check and applies it, so there is something to drift from. */
async function deployFoundryProfile(page: Page) {
  await syncSandbox(page);
  await openApi(page, "Foundry Models");
  await page.getByRole("link", { name: "Start from the live policy" }).click();
  await page.getByRole("radio", { name: "Microsoft Entra token" }).check();
  await page.getByLabel("Tenant").fill("contoso.onmicrosoft.com");
  await page.getByLabel("Client application id 1").fill("33333333-4444-5555-6666-777777777777");
  await page.getByRole("button", { name: "Save new version" }).click();
  await page.getByRole("button", { name: "Plan changes" }).click();
  await applyPlan(page);
  await expect(page.getByTestId("deployment-progress")).toHaveText(/^Succeeded/);
}

test.describe("APIM changed behind Portcullis's back", () => {
  test.describe.configure({ mode: "serial" });

  test.afterEach(async () => {
    await setApimFaults([]);
    // The restore plan puts the tenant back; if the test failed first, APIM would stay drifted
    // for the specs that follow.
    await editPolicyInApim(
      "foundry-models",
      (xml) => xml.replace('tenant-id="evil.example.com"', 'tenant-id="contoso.onmicrosoft.com"'),
      { mustChange: false },
    );
  });

  test("drift is shown with what changed, and the restore plan puts it back", async ({ page }) => {
    await signIn(page, "admin");
    await deployFoundryProfile(page);

    // Someone edits the managed block in the Azure portal: a tenant Portcullis did not set.
    await editPolicyInApim("foundry-models", (xml) =>
      xml.replace('tenant-id="contoso.onmicrosoft.com"', 'tenant-id="evil.example.com"'),
    );

    // The overview finds it when asked (checking reads APIM, so it is not done on every visit).
    await page.goto("/");
    await page.getByRole("link", { name: "Check every deployed API for drift" }).click();
    await expect(
      page.getByRole("region", { name: "Needs attention" }).getByRole("listitem").filter({ hasText: "Foundry Models" }),
    ).toContainText("changed in APIM outside Portcullis");

    await openApi(page, "Foundry Models");
    await expect(page.getByText("Drifted: APIM no longer holds what was last applied.")).toBeVisible();
    const significant = page.getByRole("listitem").filter({ hasText: "foundry-models" }).first();
    await expect(significant).toBeVisible();
    await expect(page.getByRole("table").filter({ hasText: "evil.example.com" }).first()).toBeVisible();
    await expectAccessible(page);

    await page.getByRole("button", { name: "Create the restore plan" }).click();
    await expect(page.getByRole("heading", { name: "Restore plan for Foundry Models" })).toBeVisible();
    const diff = page.getByRole("table", { name: "Changes to the API policy, line by line" });
    await expect(
      diff.getByRole("row").filter({ hasText: "removed" }).filter({ hasText: "evil.example.com" }),
    ).toHaveCount(1);
    await expect(
      diff.getByRole("row").filter({ hasText: "added" }).filter({ hasText: "contoso.onmicrosoft.com" }),
    ).toHaveCount(1);
    await applyPlan(page);
    await expect(page.getByTestId("deployment-progress")).toHaveText(/^Succeeded/);

    await page.getByRole("link", { name: "Foundry Models" }).click();
    await expect(page.getByText("In sync: APIM still holds what was last applied.")).toBeVisible();
  });

  test("an apply that meets a concurrent change stops as conflicted, overwrites nothing and offers a new plan", async ({
    page,
  }) => {
    await signIn(page, "admin");
    await openApi(page, "Foundry Models");
    await page.getByRole("link", { name: "Edit access profile" }).click();
    await page.getByRole("button", { name: "Add audience" }).click();
    await page.getByLabel("Audience 1").fill("api://foundry");
    await page.getByRole("button", { name: "Save new version" }).click();
    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByRole("heading", { name: "Plan for Foundry Models" })).toBeVisible();

    // Another writer changes the policy between the plan's read and the apply's write.
    await setApimFaults([
      { kind: "concurrentWrite", limit: 1, match: { methods: ["PUT"], path: "/apis/foundry-models/policies/policy$" } },
    ]);
    await applyPlan(page);
    await expect(page.getByTestId("deployment-progress")).toHaveText(/^Conflicted/);
    await expect(
      page.getByText("Conflicted: APIM changed after the plan was made, so nothing was overwritten."),
    ).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "policy.update" })).toContainText("412");

    await page.getByRole("button", { name: "Make a new plan" }).click();
    await expect(page.getByRole("heading", { name: "Plan for Foundry Models" })).toBeVisible();
    await applyPlan(page);
    await expect(page.getByTestId("deployment-progress")).toHaveText(/^Succeeded/);
  });
});
