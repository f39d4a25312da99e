import { expect, test } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { callerCheckedPolicy } from "../../sandbox/apim/seed/seed-policies";
import { editPolicyInApim, setApimFaults } from "../support/apim";
import { openApi, syncSandboxAsAdmin } from "../support/console";
import { clientCredentialsToken, sandbox, signIn } from "../support/sandbox";

/** A caller client's token for the LLM APIs, as a caller of the gateway gets one. */
const callerToken = (index: number) =>
  clientCredentialsToken(sandbox().callerClients[index]!, `${sandbox().llmApiAudience}/.default`);

test.describe("effective access on an API's page", () => {
  test.describe.configure({ mode: "serial" });

  // Foundry Models as seeded (earlier specs apply profiles to it): its caller check lets caller client 0 in.
  test.beforeEach(async ({ browser }) => {
    await editPolicyInApim("foundry-models", () => callerCheckedPolicy, { mustChange: false });
    await syncSandboxAsAdmin(browser);
  });

  test("a reader sees each path's deciding statements and tries tokens: the allowed client, another client, an expired token", async ({
    page,
  }) => {
    await signIn(page, "reader");
    await openApi(page, "Foundry Models");
    const section = page.getByRole("region", { name: "Effective access" });
    await expect(section).toContainText(/Scopes read from APIM \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);

    // Calls through no product: the API's own caller check on line 4 decides, written by hand.
    const direct = section.getByRole("article", { name: "Through no product (no subscription key required)" });
    const statements = direct.getByRole("table", { name: /^Statements that decide access .* in the order they run$/ });
    await expect(statements.getByRole("row").nth(1)).toContainText("validate-azure-ad-token");
    await expect(statements.getByRole("row").nth(1)).toContainText("API policy foundry-models, line 4");
    await expect(statements.getByRole("row").nth(1)).toContainText("hand-written");
    await expect(direct).toContainText("No findings.");
    // The client application its caller check names, by its name in (the sandbox's) Microsoft Graph.
    const caller = sandbox().callerClients[0]!;
    await expect(section.getByRole("listitem").filter({ hasText: caller.clientId })).toHaveText(
      `${caller.displayName} ${caller.clientId}`,
    );
    await expect(section).toContainText("Client application names come from Microsoft Graph");
    await expect(section.getByRole("article", { name: /^Through product 'LLM Standard'/ })).toBeVisible();
    await expectAccessible(page);

    const form = section.getByRole("form", { name: "Try a token" });
    await expect(form).toContainText("signature is not checked");
    const result = form.getByTestId("access-check-result");

    // The allowed client: allowed by the check on line 4, and APIM attaches its own credential to the backend call.
    await form.getByLabel("Token (JWT)").fill(await callerToken(0));
    await form.getByRole("button", { name: "Check the token" }).click();
    await expect(result).toContainText("Decision: allowed");
    await expect(result).toContainText("<validate-azure-ad-token> in the API policy foundry-models, line 4");
    await expect(result).toContainText("signature is NOT checked");
    await expect(result).toContainText("foundry-backend");

    // Another client: denied by the same line, with the answer APIM would give.
    await form.getByLabel("Token (JWT)").fill(await callerToken(1));
    await form.getByRole("button", { name: "Check the token" }).click();
    await expect(result).toContainText("Decision: denied");
    await expect(result).toContainText("<validate-azure-ad-token> in the API policy foundry-models, line 4");
    await expect(result).toContainText("401 “Unauthorized. Access token is missing or invalid.”");

    // The allowed client's token a day from now: expired, denied.
    await form.getByLabel("Token (JWT)").fill(await callerToken(0));
    await form.getByLabel("Instant (optional)").fill(new Date(Date.now() + 24 * 3600_000).toISOString());
    await form.getByRole("button", { name: "Check the token" }).click();
    await expect(result).toContainText("Decision: denied");
    await expect(result).toContainText(/expired|exp/);
    await expectAccessible(page);

    // Something that is not a token: the error names the field and does not repeat what was pasted.
    await form.getByLabel("Token (JWT)").fill("eyJhbGciOiJSUzI1NiJ9.not~base64.c2ln");
    await form.getByLabel("Instant (optional)").fill("");
    await form.getByRole("button", { name: "Check the token" }).click();
    const summary = page.getByRole("alert").filter({ hasText: "The token was not checked" });
    await expect(summary.getByRole("link", { name: /^Token: / })).toBeVisible();
    await expect(page.locator("body")).not.toContainText("not~base64");
    await expect(form.getByLabel("Token (JWT)")).toHaveAttribute("aria-invalid", "true");
  });

  test("a scope ARM refuses is shown as unreadable with ARM's status, and what it keeps from being concluded", async ({
    page,
  }) => {
    await setApimFaults([{ kind: "forbidden", match: { path: "/products/[^/]+/policies/" } }]);
    try {
      await signIn(page, "reader");
      await openApi(page, "Foundry Models");
      const section = page.getByRole("region", { name: "Effective access" });
      await expect(section).toContainText("Some scopes could not be read: the conclusions below are incomplete.");
      await expect(section).toContainText("the policy of product 'LLM Standard': 403 AuthorizationFailed");
      const throughProduct = section.getByRole("article", { name: /^Through product 'LLM Standard'/ });
      await expect(throughProduct).toContainText(/The product policy llm-standard is unreadable \(ARM answered 403\)/);
      await expect(throughProduct).toContainText("Could not be concluded:");
      await expect(throughProduct).not.toContainText("No findings.");
    } finally {
      await setApimFaults([]);
    }
  });
});
