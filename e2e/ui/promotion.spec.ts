import { expect, test } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { restCall, syncedSandboxInstance } from "../support/rest";
import { sandbox, signIn } from "../support/sandbox";

const API = "Azure OpenAI (EU routing)";
const PRODUCTION_APP = "22222222-2222-2222-2222-222222222222";

/** The profile as written once, with what differs between development and production as variables. */
const written = {
  backendAuth: { mode: "apiKey", namedValue: "${keyName}", headerName: "api-key", delivery: "setHeader" },
  callerAuth: { mode: "entra", tenantId: "${tenant}", clientApplicationIds: ["${chatApp}"] },
};

test.describe("promotion from a development to a production instance", () => {
  test.describe.configure({ mode: "serial" });
  let devApiId = "";

  test.beforeAll(async ({ request }) => {
    const development = await syncedSandboxInstance(request);
    await restCall(request, "PATCH", `/instances/${development}`, { data: { environment: "development" } });
    const c = sandbox();
    const instances = (await restCall(request, "GET", "/instances")).body.items as Array<{ id: string; name: string }>;
    const production =
      instances.find((instance) => instance.name === "production")?.id ??
      ((
        await restCall(request, "POST", "/instances", {
          data: {
            name: "production",
            subscriptionId: c.subscriptionId,
            resourceGroup: c.resourceGroup,
            serviceName: c.moreServices[0],
            armEndpoint: c.armEndpoint,
          },
        })
      ).body.id as string);
    await restCall(request, "PATCH", `/instances/${production}`, { data: { environment: "production" } });
    await restCall(request, "POST", `/instances/${production}/sync`);
    await restCall(request, "PUT", "/environments/development/variables", {
      data: {
        variables: {
          keyName: "azure-openai-api-key",
          tenant: "dev.onmicrosoft.com",
          chatApp: "11111111-1111-1111-1111-111111111111",
        },
      },
    });
    // Production lacks the tenant: the first promotion is refused for it.
    await restCall(request, "PUT", "/environments/production/variables", {
      data: { variables: { keyName: "azure-openai-api-key", chatApp: PRODUCTION_APP } },
    });
    const apis = (await restCall(request, "GET", `/apis?instanceId=${development}&search=azure-openai-eu`)).body
      .items as Array<{ id: string; apimName: string }>;
    devApiId = apis.find((api) => api.apimName === "azure-openai-eu")!.id;
    const current = await restCall(request, "GET", `/apis/${devApiId}/access-profile`).catch(() => null);
    await restCall(request, "PUT", `/apis/${devApiId}/access-profile`, {
      headers: current?.etag ? { "if-match": current.etag } : {},
      data: written,
    });
  });

  // The other specs share the sandbox instance: it goes back to having no environment.
  test.afterAll(async ({ request }) => {
    const development = await syncedSandboxInstance(request);
    await restCall(request, "PATCH", `/instances/${development}`, { data: { environment: null } });
  });

  test("a promotion is refused naming the variable production does not set", async ({ page }) => {
    await signIn(page, "admin");
    await page.goto(`/apis/${devApiId}`);
    await expect(
      page.getByText("Written with variables, resolved with the values of environment development."),
    ).toBeVisible();
    const form = page.getByRole("form", { name: "Promote the access profile" });
    await form.getByLabel("Promote to instance").selectOption({ label: "production (production)" });
    await form.getByRole("button", { name: "Promote" }).click();
    const refusal = form.getByRole("alert");
    await expect(refusal).toBeFocused();
    await expect(refusal).toContainText("The profile was not promoted");
    await expect(refusal).toContainText(
      "callerAuth.tenantId: uses ${tenant}, which environment production does not set",
    );
    await expectAccessible(page);
  });

  test("an admin sets the missing variable, promotes, and lands on production's plan awaiting approval", async ({
    page,
  }) => {
    await signIn(page, "admin");
    await page.goto("/instances");
    await page.getByRole("link", { name: "Variables of environment production" }).click();
    await expect(page.getByRole("heading", { name: "Variables of production", level: 1 })).toBeVisible();
    const variables = page.getByRole("form", { name: "Variables of production" });
    const field = variables.getByRole("textbox", { name: "Variables" });
    await expect(field).toHaveValue(`chatApp = ${PRODUCTION_APP}\nkeyName = azure-openai-api-key`);
    // A key pasted as a variable is refused, naming the variable.
    await field.fill(
      `chatApp = ${PRODUCTION_APP}\nkeyName = azure-openai-api-key\ntenant = 8f2d1c0b9a7e4f6d8c2b1a0e9f7d6c5b`,
    );
    await variables.getByRole("button", { name: "Save variables" }).click();
    await expect(variables.getByRole("alert")).toContainText("variables.tenant: looks like a key or secret");
    await field.fill(`chatApp = ${PRODUCTION_APP}\nkeyName = azure-openai-api-key\ntenant = prod.onmicrosoft.com`);
    await variables.getByRole("button", { name: "Save variables" }).click();
    await expect(variables.getByRole("status")).toContainText("Saved 3 variables.");
    await expectAccessible(page);

    await page.goto(`/apis/${devApiId}`);
    const form = page.getByRole("form", { name: "Promote the access profile" });
    await form.getByLabel("Promote to instance").selectOption({ label: "production (production)" });
    // Keyboard only: the button is reached and pressed without a pointer.
    await form.getByRole("button", { name: "Promote" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`${API} (${sandbox().moreServices[0]})`);
    await expect(page.getByRole("region", { name: "Approval", exact: true })).toContainText("Waiting for approval");
    await expect(page.getByText("prod.onmicrosoft.com").first()).toBeVisible();
    await expect(page.getByText(PRODUCTION_APP).first()).toBeVisible();
  });

  test("the editor keeps the profile's variables as written and previews their values", async ({ page, request }) => {
    await signIn(page, "admin");
    await page.goto(`/apis/${devApiId}/edit`);
    await expect(page.getByText("This version is written with ${name} variables.")).toBeVisible();
    await expect(page.getByLabel("Tenant")).toHaveValue("${tenant}");
    await expect(page.getByLabel("Client application id 1")).toHaveValue("${chatApp}");
    await expect(page.getByLabel("Rendered policy XML")).toContainText("dev.onmicrosoft.com");
    await page.getByLabel("Named value").fill("${keyName}");
    await page.getByRole("button", { name: "Save new version" }).click();
    await page.waitForURL(/\?saved=\d+$/);
    const saved = (await restCall(request, "GET", `/apis/${devApiId}/access-profile`)).body;
    expect(saved.written).toMatchObject({
      backendAuth: { namedValue: "${keyName}" },
      callerAuth: { tenantId: "${tenant}", clientApplicationIds: ["${chatApp}"] },
    });
    expect(saved.profile).toMatchObject({ callerAuth: { tenantId: "dev.onmicrosoft.com" } });
  });

  test("an admin promotes several APIs at once as one change set", async ({ page, request }) => {
    const development = await syncedSandboxInstance(request);
    const foundry = (
      (await restCall(request, "GET", `/apis?instanceId=${development}&search=foundry-models`)).body.items as Array<{
        id: string;
        apimName: string;
      }>
    ).find((api) => api.apimName === "foundry-models")!;
    const current = await restCall(request, "GET", `/apis/${foundry.id}/access-profile`).catch(() => null);
    await restCall(request, "PUT", `/apis/${foundry.id}/access-profile`, {
      headers: current?.etag ? { "if-match": current.etag } : {},
      data: written,
    });

    await signIn(page, "admin");
    await page.goto(`/apis/${devApiId}`);
    await page.getByRole("link", { name: "Promote several APIs at once" }).click();
    await expect(page.getByRole("heading", { name: "New change set", level: 1 })).toBeVisible();
    const form = page.getByRole("form", { name: "New change set" });
    await expect(form.getByLabel("Change", { exact: true })).toHaveValue("promote");
    await form.getByLabel("Promote to instance").selectOption({ label: "production (production)" });
    await form.getByLabel("Instance", { exact: true }).selectOption(development);
    for (const name of ["azure-openai-eu", "foundry-models"]) {
      await form.getByLabel("Filter by name").fill(name);
      await form
        .getByRole("row")
        .filter({ hasText: `(${name})` })
        .getByRole("checkbox")
        .check();
    }
    await expect(form.getByTestId("selected-count")).toContainText(/^2 of \d+ APIs selected/);
    await expectAccessible(page);
    await form.getByRole("button", { name: "Save and plan 2 APIs" }).click();

    await expect(page.getByRole("heading", { name: /^Promote 2 APIs from .+ to production$/, level: 1 })).toBeVisible();
    const rows = page.getByTestId("change-set-item");
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: "(EU routing)" })).toBeVisible();

    // Production needs approval: the set's story is filtered by its hash, as a plan's is.
    await page.getByRole("link", { name: "Audit history of this change set" }).click();
    await expect(page.getByLabel("Change hash")).toHaveValue(/^[0-9a-f]{64}$/);
    const events = page.getByRole("table");
    await expect(events.getByRole("row").filter({ hasText: "approval.request" })).toHaveCount(1);
    await expect(events.getByRole("row").filter({ hasText: "profile.save" })).toHaveCount(0);
  });
});
