import { expect, test } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { putApiInApim } from "../support/apim";
import { resetSandboxApprovalSettings } from "../support/database";
import { restCall, saveNewProfile, syncedSandboxInstance } from "../support/rest";
import { signIn } from "../support/sandbox";

const NAMES = ["cs-e2e-1", "cs-e2e-2", "cs-e2e-3"];
const CLIENT = "55555555-6666-4777-8888-999999999999";

test.describe("change sets", () => {
  test.beforeAll(async ({ request }) => {
    for (const name of NAMES) {
      await putApiInApim(
        name,
        {
          displayName: `Change set ${name}`,
          path: name,
          serviceUrl: "https://portcullis-sandbox-aoai.openai.azure.com/openai",
          subscriptionRequired: false,
        },
        { name: "chat", urlTemplate: "/deployments/{deployment-id}/chat/completions" },
      );
      // Syncs the instance and gives the API an Entra profile (one client application).
      await saveNewProfile(request, name);
    }
  });

  test("an admin adds a client application to several APIs, reviews the set, applies it and follows its progress", async ({
    page,
  }) => {
    await signIn(page, "admin");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Change sets" }).click();
    await expect(page.getByRole("heading", { name: "Change sets", level: 1 })).toBeVisible();
    await page.getByRole("link", { name: "New change set" }).click();
    await expect(page.getByRole("heading", { name: "New change set", level: 1 })).toBeVisible();
    await expectAccessible(page);

    const form = page.getByRole("form", { name: "New change set" });
    await form.getByLabel("Change", { exact: true }).selectOption("addClientApplication");
    await form.getByLabel("Filter by name").fill("cs-e2e");
    await form.getByLabel("Select all shown").check();
    await expect(form.getByTestId("selected-count")).toContainText(/^3 of \d+ APIs selected, 3 shown\.$/);

    // A value a profile could not hold is refused, named and linked to its field; focus lands on the summary.
    await form.getByLabel("Client application id").fill("not-a-guid");
    await form.getByRole("button", { name: "Save and plan 3 APIs" }).click();
    const summary = form.getByRole("alert");
    await expect(summary).toContainText("must be a GUID");
    await expect(summary).toBeFocused();

    await form.getByLabel("Client application id").fill(CLIENT);
    await form.getByRole("button", { name: "Save and plan 3 APIs" }).click();
    await expect(page.getByRole("heading", { name: `Add client application ${CLIENT}`, level: 1 })).toBeVisible();
    const rows = page.getByTestId("change-set-item");
    await expect(rows).toHaveCount(3);
    for (const name of NAMES) {
      const row = rows.filter({ hasText: `Change set ${name}` });
      await expect(row).toContainText("Planned");
      await expect(row.getByRole("link", { name: `Diff of Change set ${name}'s plan` })).toBeVisible();
    }
    await expect(page.getByTestId("change-set-progress")).toContainText("0 of 3 APIs done");
    await expectAccessible(page);

    // Keyboard only: Apply is reached and pressed without a pointer.
    const apply = page.getByRole("button", { name: "Apply 3 APIs" });
    await apply.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("change-set-progress")).toContainText("3 of 3 APIs done, 3 succeeded");
    for (const name of NAMES) await expect(rows.filter({ hasText: `Change set ${name}` })).toContainText("Succeeded");
    await expect(page.getByText("Finished", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Apply/ })).toHaveCount(0);
    await expectAccessible(page);

    // Each API's diff is one click away: its plan lets the new client in.
    await rows.filter({ hasText: "Change set cs-e2e-2" }).getByRole("link", { name: /^Diff/ }).click();
    await expect(page.getByRole("heading", { name: "Plan for Change set cs-e2e-2" })).toBeVisible();
    await expect(page.getByText(CLIENT).first()).toBeVisible();
  });

  test("planning the same files twice: the first set says it was superseded, links to the second and leaves the approvals list", async ({
    page,
    request,
  }) => {
    const instance = await syncedSandboxInstance(request);
    // Raising protection applies at once; afterwards the instance goes back to needing none.
    await restCall(request, "PATCH", `/instances/${instance}`, { data: { approvalsRequired: 1 } });
    try {
      const apiIds = await Promise.all(NAMES.slice(0, 2).map((name) => saveNewProfile(request, name)));
      // As `portcullis plan --dir` sends them, twice: each file's profile, from the same source.
      const plan = async (title: string, client: string) =>
        (
          await restCall(request, "POST", "/change-sets", {
            data: {
              title,
              source: "portcullis plan --dir e2e-supersede",
              profiles: apiIds.map((apiId) => ({
                apiId,
                profile: {
                  backendAuth: {
                    mode: "apiKey",
                    namedValue: "azure-openai-api-key",
                    headerName: "api-key",
                    delivery: "setHeader",
                  },
                  callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: [client] },
                },
              })),
            },
          })
        ).body;
      const first = await plan("Superseding e2e: first plan", CLIENT);
      const second = await plan("Superseding e2e: second plan", "77777777-6666-4777-8888-999999999999");
      expect(second.supersedes).toEqual([{ id: first.id, title: "Superseding e2e: first plan" }]);

      await signIn(page, "admin");
      await page.goto("/approvals");
      const waiting = page.getByRole("table", { name: "Change sets waiting for approval, oldest first" });
      await expect(
        waiting.getByRole("link", { name: "Superseding e2e: second plan — review the change set" }),
      ).toBeVisible();
      await expect(waiting.getByText("Superseding e2e: first plan — review the change set")).toHaveCount(0);
      await expect(waiting.getByTestId("superseded-sets")).toContainText("Replaces Superseding e2e: first plan");
      await expectAccessible(page);

      await page.goto(`/change-sets/${first.id as string}`);
      await expect(page.getByText("Superseded", { exact: true })).toBeVisible();
      const notice = page.getByRole("status").filter({ hasText: "Superseded by “Superseding e2e: second plan”" });
      await expect(notice).toContainText("can no longer be approved or applied");
      await expect(page.getByRole("button", { name: /^Approve|^Apply|^Reject/ })).toHaveCount(0);
      await expectAccessible(page);
      // Keyboard only: the link to the newer set is reached and followed without a pointer.
      await notice.getByRole("link", { name: "Review the newer change set" }).focus();
      await page.keyboard.press("Enter");
      await expect(page.getByRole("heading", { name: "Superseding e2e: second plan", level: 1 })).toBeVisible();
      await expect(page.getByRole("button", { name: "Approve the whole set" })).toBeVisible();
    } finally {
      await resetSandboxApprovalSettings();
    }
  });

  test("a change set of an environment's variables shows each before and after, and writes them when applied", async ({
    page,
    request,
  }) => {
    // An environment no instance is in: its variables alone need no approval.
    const environment = "cs-e2e-vars";
    const path = `/environments/${environment}/variables`;
    await restCall(request, "PUT", path, { data: { variables: { tenant: "before.onmicrosoft.com" } } });
    const made = await restCall(request, "POST", "/change-sets", {
      data: { variables: { environment, values: { tenant: "after.onmicrosoft.com", audience: "api://cs-e2e" } } },
    });
    await signIn(page, "admin");
    await page.goto(`/change-sets/${made.body.id as string}`);
    await expect(
      page.getByRole("heading", { name: `Set 2 variables of environment ${environment}`, level: 1 }),
    ).toBeVisible();
    const rows = page.getByTestId("change-set-variable");
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: "${tenant}" })).toContainText(
      /before\.onmicrosoft\.com\s*after\.onmicrosoft\.com/,
    );
    await expect(rows.filter({ hasText: "${audience}" })).toContainText(/\(not set\)\s*api:\/\/cs-e2e/);
    await expectAccessible(page);
    // Nothing is written before the set is applied.
    expect((await restCall(request, "GET", path)).body.variables).toEqual({ tenant: "before.onmicrosoft.com" });

    await page.getByRole("button", { name: "Apply 2 variables" }).click();
    await expect(page.getByText("Finished", { exact: true })).toBeVisible();
    await expect(page.getByText("Written to the environment when this change set's apply started.")).toBeVisible();
    expect((await restCall(request, "GET", path)).body.variables).toEqual({
      audience: "api://cs-e2e",
      tenant: "after.onmicrosoft.com",
    });
  });
});
