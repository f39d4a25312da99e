import { expect, test } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { signIn } from "../support/sandbox";

/** Links typed or edited by hand show what they name, or say why not: never an error page. */
test.describe("a link edited by hand", () => {
  test("an environment name no environment can have shows the not-found page", async ({ page }) => {
    await signIn(page, "admin");
    for (const name of ["Production", "Bad%20Name", "%25", "x".repeat(60)]) {
      const response = await page.goto(`/environments/${name}`);
      expect(response?.status(), name).toBe(404);
      await expect(page.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();
    }
  });

  test("an audit page link with a cursor the server never issued says so, and the filters stay usable", async ({
    page,
  }) => {
    await signIn(page, "reviewer");
    await page.goto("/audit?cursor=garbage&action=auth.*");
    await expect(page.getByRole("alert").filter({ hasText: "That page link is no longer valid." })).toBeVisible();
    await expect(page.getByLabel("Action")).toHaveValue("auth.*");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).not.toHaveURL(/cursor=/);
    await expect(page.getByRole("row").filter({ hasText: "auth.signin" }).first()).toBeVisible();
    await expectAccessible(page);
  });

  test("a list page link with a cursor the server never issued offers the first page again", async ({ page }) => {
    await signIn(page, "admin");
    for (const list of ["/apis", "/change-sets"]) {
      await page.goto(`${list}?cursor=garbage`);
      await expect(
        page.getByRole("alert").filter({ hasText: "That page link is no longer valid." }),
        list,
      ).toBeVisible();
      await page.getByRole("link", { name: "First page" }).click();
      await expect(page).toHaveURL(new RegExp(`${list}$`));
      await expect(page.getByRole("alert").filter({ hasText: "That page link is no longer valid." })).toHaveCount(0);
    }
  });
});
