import { readFile } from "node:fs/promises";
import { expect, test } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { editPolicyInApim } from "../support/apim";
import { syncSandboxAsAdmin } from "../support/console";
import { sandbox, signIn } from "../support/sandbox";

// A hand-written caller check on Azure OpenAI: its embeddings operation, whose <inbound> has no <base />, skips it.
// It also lets in Portcullis's own app registration, which the matrix names "Portcullis probe".
const check = () =>
  `<validate-azure-ad-token tenant-id="contoso.onmicrosoft.com"><client-application-ids><application-id>33333333-4444-5555-6666-777777777777</application-id><application-id>${sandbox().webClient.clientId}</application-id></client-application-ids></validate-azure-ad-token>`;

test.describe("the access matrix", () => {
  test.describe.configure({ mode: "serial" });

  // An admin has discovered the APIs (so the matrix links to their pages); then someone adds the caller check in the portal.
  test.beforeEach(async ({ browser }) => {
    await syncSandboxAsAdmin(browser);
    await editPolicyInApim("azure-openai", (xml) => xml.replace("<base />", `<base />\n        ${check()}`));
  });

  test.afterEach(async () => {
    await editPolicyInApim("azure-openai", (xml) =>
      xml.replace(/<validate-azure-ad-token[\s\S]*?<\/validate-azure-ad-token>\s*/, ""),
    );
  });

  test("a reviewer sees the operation that skips validation and the overridden backend, filters, looks up a client and downloads the CSV", async ({
    page,
  }) => {
    await signIn(page, "reader");
    await page.goto("/instances");
    await page.getByRole("navigation", { name: "sandbox links" }).getByRole("link", { name: "Access matrix" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Who can call the APIs of sandbox");
    const table = page.getByRole("table", { name: /^Effective access of the APIs of sandbox/ });
    await expect(table).toBeVisible();

    // Azure OpenAI: the caller check runs on the API, but the embeddings operation skips it.
    const openai = table
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: /^Azure OpenAI azure-openai$/ }) });
    await expect(openai).toContainText("validate-azure-ad-token");
    await expect(openai).toContainText("33333333-4444-5555-6666-777777777777");
    await expect(openai).toContainText("caller-validation-skipped");
    await expect(openai).toContainText("Operations that differ:");
    await expect(openai).toContainText("embeddings_create");
    await expect(openai).toContainText(`Portcullis probe${sandbox().webClient.clientId}`);

    // Foundry Models lets in the first caller client, named by (the sandbox's) Microsoft Graph.
    const caller = sandbox().callerClients[0]!;
    const foundry = table
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: /^Foundry Models foundry-models$/ }) });
    await expect(foundry.first()).toContainText(`${caller.displayName}${caller.clientId}`);
    await expect(page.getByRole("region", { name: "Access matrix" })).toContainText(
      "Client application names come from Microsoft Graph",
    );

    // The EU routing: a later set-backend-service base-url overrides the keyed backend, so APIM sends no credential.
    const eu = table
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: /Azure OpenAI \(EU routing\)/ }) });
    await expect(eu).toContainText("base URL https://portcullis-sandbox-aoai-swedencentral.openai.azure.com/openai");
    await expect(eu.getByRole("cell").nth(6)).toHaveText(/^none/);
    await expectAccessible(page);

    // Has findings: Azure OpenAI only.
    await page.getByRole("checkbox", { name: "have findings" }).check();
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/hasFindings=true/);
    const filtered = page.getByRole("table", { name: /\(filtered\)/ });
    await expect(filtered.getByRole("rowheader")).toHaveText([/^Azure OpenAI\s*azure-openai/]);

    // The CSV of the filtered view: a header and one line per path of Azure OpenAI.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV (filtered)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^portcullis-access-sandbox-.*\.csv$/);
    const csv = (await readFile((await download.path())!, "utf8")).trimEnd().split("\n");
    expect(csv[0]).toMatch(/^instance,api,apim_name,path,/);
    expect(csv.slice(1).map((line) => line.split(",").slice(0, 4).join(","))).toEqual([
      "sandbox,Azure OpenAI,azure-openai,LLM Standard",
      "sandbox,Azure OpenAI,azure-openai,(no product)",
    ]);
    expect(csv[1]).toContain("caller-validation-skipped");

    // Anyone can call (and has findings): nothing in the sandbox.
    await page.getByRole("checkbox", { name: "have findings" }).uncheck();
    await page.getByRole("checkbox", { name: "anyone can call" }).check();
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText("No API matches these filters.")).toBeVisible();

    // Which APIs can the first caller client call? Foundry Models, which names it.
    await page.getByRole("link", { name: "Clear" }).click();
    await page.getByLabel("Which APIs can this client application call?").fill(caller.clientId);
    await page.getByRole("button", { name: "Apply" }).click();
    const answer = page.getByRole("region", { name: `APIs client application ${caller.clientId} can call` });
    await expect(answer.getByRole("listitem").first()).toContainText("Foundry Models");
    await expect(answer).toContainText("its id is among the allowed client applications");

    // A lookup that is not an application id names the field.
    await page.getByLabel("Which APIs can this client application call?").fill("not-an-id");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText("must be an application (client) id, a GUID")).toBeVisible();
    await expectAccessible(page);
  });
});
