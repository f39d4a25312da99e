import { expect, test, type Page } from "../support/test";
import { saveNewProfile } from "../support/rest";
import { signIn } from "../support/sandbox";

/**
 * A page is never without its title, not even for a moment: not after a client-side navigation
 * (a link, or a form whose action redirects) and not while the new page streams in. An observer
 * notes every change of the document after it has loaded that leaves <head> without a titled
 * <title>; an accessibility check or a screen reader that reads the page at that moment would
 * find none.
 */
async function watchTitles(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { untitledMoments: seen });
    const check = () => {
      if (!document.head?.querySelector("title")?.textContent?.trim())
        seen.push(`${location.pathname} (showing "${document.querySelector("h1")?.textContent}")`);
    };
    document.addEventListener("DOMContentLoaded", () => {
      check();
      new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
    });
  });
}

const untitledMoments = (page: Page) =>
  page.evaluate(() => (window as unknown as { untitledMoments: string[] }).untitledMoments);

test("every console page keeps its title through client-side navigations and form redirects", async ({
  page,
  request,
}) => {
  await saveNewProfile(request, "azure-openai-eu");
  await watchTitles(page);
  await signIn(page, "admin");
  await expect(page).toHaveTitle("Overview · Portcullis");

  const main = page.getByRole("navigation", { name: "Main" });
  await main.getByRole("link", { name: "Instances" }).click();
  await expect(page).toHaveTitle("Instances · Portcullis");
  await page.getByRole("link", { name: "Secrets" }).first().click();
  await expect(page).toHaveTitle("Secrets · Portcullis");
  await main.getByRole("link", { name: "Audit" }).click();
  await expect(page).toHaveTitle("Audit history · Portcullis");
  await main.getByRole("link", { name: "APIs" }).click();
  await expect(page).toHaveTitle("APIs · Portcullis");
  await page.getByRole("link", { name: "Azure OpenAI (EU routing)", exact: true }).click();
  await expect(page).toHaveTitle("API · Portcullis");
  await page.getByRole("link", { name: "Edit access profile" }).click();
  await expect(page).toHaveTitle("Edit access profile · Portcullis");
  await page.goBack();
  await expect(page).toHaveTitle("API · Portcullis");
  await page.getByRole("button", { name: "Plan changes" }).click();
  await expect(page).toHaveTitle("Plan · Portcullis");
  await page.getByRole("button", { name: /^Apply/ }).click();
  await expect(page).toHaveTitle("Deployment · Portcullis");
  await main.getByRole("link", { name: "Overview" }).click();
  await expect(page).toHaveTitle("Overview · Portcullis");

  expect(await untitledMoments(page)).toEqual([]);
});
