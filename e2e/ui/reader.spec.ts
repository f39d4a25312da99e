import { expect, test } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { openApi, syncSandbox } from "../support/console";
import { withAppDatabase } from "../support/database";
import { signIn } from "../support/sandbox";

const EDITING_CONTROLS =
  /^(Sync APIs|Register instance|Edit access profile|Start from|Plan changes|Apply|Create|Rotate|Refresh|Make a new plan|Save new version)/;

test.describe("a reader", () => {
  // What the admin's session leaves for both tests: the API's page, and the sync form's fields.
  let apiPath: string;
  let fields: Record<string, string>;

  test.beforeAll(async ({ browser }) => {
    // An admin has discovered the APIs; their page carries the sync action's form fields.
    const admin = await browser.newPage();
    await signIn(admin, "admin");
    await syncSandbox(admin);
    const syncForm = admin.locator("form").filter({ has: admin.getByRole("button", { name: "Sync APIs of sandbox" }) });
    fields = Object.fromEntries(
      await syncForm
        .locator("input[type=hidden]")
        .evaluateAll((inputs) =>
          inputs.map((input) => [(input as HTMLInputElement).name, (input as HTMLInputElement).value]),
        ),
    ) as Record<string, string>;
    await openApi(admin, "Azure OpenAI");
    apiPath = new URL(admin.url()).pathname;
    await admin.close();
  });

  test.beforeEach(async ({ page }) => {
    await signIn(page, "reader");
  });

  test("sees everything read-only", async ({ page }) => {
    for (const path of ["/", "/instances", "/apis", apiPath]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByRole("button", { name: EDITING_CONTROLS })).toHaveCount(0);
      await expect(page.getByRole("link", { name: EDITING_CONTROLS })).toHaveCount(0);
      await expectAccessible(page);
    }
    await page.goto("/instances");
    await page.getByRole("navigation", { name: "sandbox links" }).getByRole("link", { name: "Secrets" }).click();
    await expect(page.getByRole("heading", { name: "Secrets of sandbox" })).toBeVisible();
    await expect(page.getByRole("button", { name: EDITING_CONTROLS })).toHaveCount(0);
    await expect(page.getByText("Add a secret")).toHaveCount(0);
    await page.goto(`${apiPath}/edit`);
    await expect(page).toHaveURL(/\/forbidden\?need=config\.write$/);
  });

  test("posting an admin action directly is refused and audited", async ({ page }) => {
    // The sync form posted as a browser without JavaScript would, with the reader's session.
    const before = await withAppDatabase((db) =>
      db.query(`SELECT last_synced_at FROM instances WHERE name = 'sandbox'`),
    );
    const response = await page.request.post("/instances", {
      multipart: fields,
      headers: { origin: new URL(page.url()).origin },
    });
    expect(await response.text()).toContain("This needs the config.write permission");
    const after = await withAppDatabase((db) =>
      db.query(`SELECT last_synced_at FROM instances WHERE name = 'sandbox'`),
    );
    expect(after.rows).toEqual(before.rows);
    const denied = await withAppDatabase((db) =>
      db.query(
        `SELECT actor_name FROM audit_events WHERE action = 'auth.denied' AND after->>'attempted' = 'instance.sync' AND outcome = 'denied'`,
      ),
    );
    expect(denied.rows.map((row: { actor_name: string }) => row.actor_name)).toContain("Sandbox Reader");
  });
});
