import { expect, test } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { putApiInApim } from "../support/apim";
import { restCall, saveNewProfile } from "../support/rest";
import { signIn } from "../support/sandbox";

const API = "tpl-e2e-1";
const SECOND_API = "tpl-e2e-2";
const CLIENT_V1 = "33333333-4444-4555-8666-777777777777";
const CLIENT_V2 = "44444444-5555-4666-8777-888888888888";

test.describe("profile templates", () => {
  let apiId = "";

  test.beforeAll(async ({ request }) => {
    for (const name of [API, SECOND_API])
      await putApiInApim(
        name,
        {
          displayName: `Template ${name}`,
          path: name,
          serviceUrl: "https://portcullis-sandbox-aoai.openai.azure.com/openai",
          subscriptionRequired: false,
        },
        { name: "chat", urlTemplate: "/deployments/{deployment-id}/chat/completions" },
      );
    apiId = await saveNewProfile(request, API);
    const second = await saveNewProfile(request, SECOND_API);
    // A retry runs against the same database: neither follows a template from an earlier attempt.
    for (const id of [apiId, second]) await restCall(request, "DELETE", `/apis/${id}/template`);
  });

  test("an admin creates a template, makes an API follow it, publishes version 2 and reviews the change set it made", async ({
    page,
  }) => {
    // Create, follow, publish, the several-sets notice, review, apply to one more: past a minute on a loaded machine.
    test.slow();
    // Unique per attempt: a retry runs against the same database.
    const name = `chat-apps-${Date.now()}`;
    await signIn(page, "admin");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
    await expect(page.getByRole("heading", { name: "Profile templates", level: 1 })).toBeVisible();
    await page.getByRole("link", { name: "New template" }).click();
    await expect(page.getByRole("heading", { name: "New profile template", level: 1 })).toBeVisible();
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Description").fill("Chat applications of Contoso");
    await page.getByRole("radio", { name: "API key" }).check();
    await page.getByLabel("Named value").fill("azure-openai-api-key");
    await page.getByRole("radio", { name: "Microsoft Entra token" }).check();
    await page.getByLabel("Tenant").fill("contoso.onmicrosoft.com");
    await page.getByLabel("Client application id 1").fill(CLIENT_V1);
    await expectAccessible(page);
    await page.getByRole("button", { name: "Create template" }).click();
    await expect(page.getByRole("heading", { name: `Profile template ${name}`, level: 1 })).toBeVisible();
    await expect(page.getByText("No API follows it.")).toBeVisible();

    // The API follows it: version 1 becomes its profile.
    await page.goto(`/apis/${apiId}`);
    const follow = page.getByRole("form", { name: "Follow a profile template" });
    await follow.getByLabel("Follow profile template").selectOption({ label: `${name} (v1)` });
    await follow.getByRole("button", { name: "Follow template" }).click();
    await expect(page).toHaveURL(/\?saved=\d+$/);
    await expect(page.getByText(`Follows template ${name} v1: its next versions come as change sets.`)).toBeVisible();
    await expect(page.getByRole("region", { name: "Caller authentication" })).toContainText(CLIENT_V1);
    await expect(page.getByRole("region", { name: "Version history" })).toContainText(
      `from profile template ${name} v1`,
    );
    await expectAccessible(page);

    // Version 2 lets in another client application: one change set plans it for the follower.
    await page.getByRole("link", { name }).click();
    await expect(page.getByRole("table", { name: "APIs following this template" })).toContainText(`Template ${API}`);
    await page.getByLabel("Client application id 1").fill(CLIENT_V2);
    await page.getByRole("button", { name: "Publish version 2" }).click();
    await expect(page.getByText("Published version 2.")).toBeVisible();
    await expect(page.getByRole("article", { name: "Version 2" })).toContainText(CLIENT_V2);
    await expectAccessible(page);

    // Past 500 followers a version comes as several sets (lib/templates README): the page links each.
    const published = new URL(page.url());
    const setId = published.searchParams.get("changeSet")!;
    const several = new URL(published);
    several.searchParams.append("changeSet", "00000000-0000-4000-8000-000000000001");
    await page.goto(several.toString());
    const notice = page.getByRole("status").filter({ hasText: "Published version 2." });
    await expect(notice).toContainText("through 2 change sets of at most 500 APIs each");
    await expect(notice.getByRole("link", { name: "Review change set 1 of 2" })).toHaveAttribute(
      "href",
      `/change-sets/${setId}`,
    );
    await expect(notice.getByRole("link", { name: "Review change set 2 of 2" })).toBeVisible();
    await page.goto(published.toString());
    await page.getByRole("link", { name: "Review the change set" }).click();
    await expect(page.getByRole("heading", { name: `Apply profile template ${name} v2`, level: 1 })).toBeVisible();
    const row = page.getByTestId("change-set-item").filter({ hasText: `Template ${API}` });
    await expect(row).toContainText("Planned");
    await expect(row).toContainText(`Template followed: ${name} v1 → v2`);

    // A change set can apply the template to more APIs: they follow it too.
    await page.goto("/change-sets/new");
    const builder = page.getByRole("form", { name: "New change set" });
    await builder.getByLabel("Change", { exact: true }).selectOption("applyTemplate");
    await builder.getByLabel("Template", { exact: true }).selectOption({ label: `${name} (v2)` });
    await builder.getByLabel("Filter by name").fill(SECOND_API);
    await builder.getByLabel("Select all shown").check();
    await builder.getByRole("button", { name: "Save and plan 1 API" }).click();
    await expect(page.getByRole("heading", { name: `Apply profile template ${name} v2`, level: 1 })).toBeVisible();
    const second = page.getByTestId("change-set-item").filter({ hasText: `Template ${SECOND_API}` });
    await expect(second).toContainText("Planned");
    await expect(second).toContainText(`Template followed: (none) → ${name} v2`);
    await page.goto("/templates");
    await page.getByRole("link", { name }).click();
    const followers = page.getByRole("table", { name: "APIs following this template" });
    await expect(followers.getByRole("row").filter({ hasText: `Template ${SECOND_API}` })).toContainText(
      "From version 2",
    );
  });
});
