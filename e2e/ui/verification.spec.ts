import { COGNITIVE_SERVICES_OPENAI_USER } from "../../sandbox/model/model-roles";
import { sandboxServiceIdentity, sandboxUserAssignedIdentityId } from "../../sandbox/apim/seed/service-identity";
import { expect, test, type Page } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { assignModelRole, putApiInApim, removeModelRole } from "../support/apim";
import { applyPlan, openApi, syncSandbox } from "../support/console";
import { restCall, syncedSandboxInstance } from "../support/rest";
import { sandbox, signIn } from "../support/sandbox";

/**
 * An admin asks for a verification after every apply, then proves at the gateway what Portcullis
 * configured: Entra caller validation and APIM's user-assigned managed identity towards the model.
 * Then the identity's role on the model account is removed behind Portcullis's back (Azure RBAC in
 * the simulator), and the next verification fails naming the model's refusal. The API and the role assignment are this spec's own, so no
 * other spec's APIs or the seeded system identity's roles are touched.
 */
const API = "Verify managed identity";
const MODEL_ACCOUNT = "portcullis-sandbox-foundry";
const ASSIGNMENT = "9d1c6f0e-5b1a-4c3e-8e2f-0a6b7c8d9e01";
const userAssigned = sandboxServiceIdentity.userAssignedIdentities![sandboxUserAssignedIdentityId]!;

test.describe("an admin verifies access at the gateway", () => {
  // Each test continues from the state the one before left (profile applied, then verified).
  test.describe.configure({ mode: "serial" });

  test.beforeAll(async () => {
    await putApiInApim(
      "verify-managed-identity",
      {
        displayName: API,
        path: "verify-mi",
        serviceUrl: "https://portcullis-sandbox-foundry.services.ai.azure.com/models",
        // Callers prove who they are with a token, not a subscription key.
        subscriptionRequired: false,
      },
      { name: "chat", urlTemplate: "/chat/completions?api-version={api-version}" },
    );
    await assignModelRole(MODEL_ACCOUNT, ASSIGNMENT, {
      principalId: userAssigned.principalId!,
      roleDefinitionGuid: COGNITIVE_SERVICES_OPENAI_USER,
    });
  });

  test.afterAll(async ({ request }) => {
    // Other specs' applies are not verified.
    const instance = await syncedSandboxInstance(request);
    await restCall(request, "PUT", `/instances/${instance}/verification-settings`, {
      data: { gatewayUrl: null, verifyAfterApply: false },
    });
  });

  test.beforeEach(async ({ page }) => {
    await signIn(page, "admin");
  });

  test("asks for a verification after every apply; a gateway URL the service does not report is refused", async ({
    page,
  }) => {
    await page.goto("/instances");
    const card = page.getByRole("article", { name: "sandbox" });
    await card.getByText("Verification settings of sandbox").click();
    const settings = card.getByRole("form", { name: "Verification settings of sandbox" });
    await settings.getByLabel("Gateway URL for probes").fill("https://evil.azure-api.net");
    await settings.getByRole("button", { name: "Save verification settings" }).click();
    const summary = settings.getByRole("alert").filter({ hasText: "The verification settings were not saved" });
    await expect(summary).toBeFocused();
    await expect(settings.getByLabel("Gateway URL for probes")).toHaveAccessibleDescription(
      /must be an https:\/\/ URL of a gateway this APIM service reports in ARM \(https:\/\/[^)]+\)/,
    );

    await settings.getByLabel("Gateway URL for probes").fill("");
    await settings.getByLabel("Verify access after every successful apply").check();
    await settings.getByRole("button", { name: "Save verification settings" }).click();
    await expect(
      settings.getByText("Saved: probes go to the gateway URL ARM reports; every successful apply is verified."),
    ).toBeVisible();
    await expect(card.getByRole("definition").filter({ hasText: /^on$/ })).toBeVisible();
    await expectAccessible(page);
  });

  test("configures Entra caller validation and the managed identity, then applies", async ({ page }) => {
    const { tenantId, callerClients, llmApiAudience, webClient } = sandbox();
    await syncSandbox(page);
    await openApi(page, API);
    await page.getByRole("link", { name: "Start from scratch" }).click();

    await page.getByRole("radio", { name: "Microsoft Entra token" }).check();
    await page.getByLabel("Tenant").fill(tenantId);
    await page.getByLabel("Client application id 1").fill(callerClients[0]!.clientId);
    // The editor offers Portcullis's own probe identity, so that verification can prove allowed callers get in.
    await page.getByRole("button", { name: "Add the Portcullis probe" }).click();
    await expect(page.getByLabel("Client application id 2")).toBeFocused();
    await expect(page.getByLabel("Client application id 2")).toHaveValue(webClient.clientId);
    await expect(page.getByTestId("probe-client")).toContainText("The Portcullis probe");
    await expect(page.getByRole("button", { name: "Add the Portcullis probe" })).toHaveCount(0);
    await page.getByRole("button", { name: "Add audience" }).click();
    await page.getByLabel("Audience 1").fill(llmApiAudience);
    await page.getByRole("radio", { name: "Managed identity" }).check();
    await expect(page.getByLabel("Resource (audience of the token)")).toHaveValue(
      "https://cognitiveservices.azure.com",
    );
    await page.getByLabel("User-assigned identity client id (optional)").fill(userAssigned.clientId!);
    await expect(page.getByLabel("Rendered policy XML")).toContainText(`client-id="${userAssigned.clientId}"`);
    await page.getByRole("button", { name: "Save new version" }).click();
    await expect(page.getByText("Saved version 1.")).toBeVisible();
    await expect(page.getByRole("region", { name: "Caller authentication" })).toContainText(
      `${webClient.clientId} (Portcullis probe)`,
    );
    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByRole("heading", { name: `Plan for ${API}` })).toBeVisible();
    // The plan names the clients it lets in: the probe as such, the caller client by its name in Graph.
    const clients = page.getByTestId("client-applications");
    await expect(clients.getByRole("listitem")).toHaveText([
      `${callerClients[0]!.displayName} ${callerClients[0]!.clientId}`,
      `Portcullis probe ${webClient.clientId}`,
    ]);
    await applyPlan(page);
    await expect(page.getByText("Succeeded: APIM now matches the plan.")).toBeVisible();
  });

  test("was verified after the apply: the allowed client reaches the model, the other probes are refused as configured", async ({
    page,
  }) => {
    await openApi(page, API);
    // Verified after the apply, without anyone pressing Verify access: the verification runs once the
    // deployment has ended, so the page is read again until it shows it.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("verification-verdict")).toContainText("Proven", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    const probes = page.getByRole("table", { name: "Probes of the latest verification" });
    // The Portcullis probe is an allowed client: its own token proves that allowed callers reach the model.
    await expect(
      gatewaySection(page).getByText(
        `Proven: the Portcullis probe identity (client ${sandbox().webClient.clientId}) reached the model (200)`,
      ),
    ).toBeVisible();
    await expect(probeRow(probes, "An allowed client")).toContainText("reaches the model (2xx)");
    await expect(probeRow(probes, "An allowed client")).toContainText("as expected");
    for (const denied of ["No token", "A client that is not allowed", "A token for another audience"]) {
      await expect(probeRow(probes, denied)).toContainText("refused with 401");
      await expect(probeRow(probes, denied)).toContainText("as expected");
    }
    await expect(probeRow(probes, "An expired token")).toContainText("not probed");
    await expectAccessible(page);
  });

  test("fails naming the model's refusal once the identity's role on the model is removed", async ({ page }) => {
    await removeModelRole(MODEL_ACCOUNT, ASSIGNMENT);
    await openApi(page, API);
    await expect(page.getByTestId("verification-verdict")).toContainText("Proven");
    const probes = await verify(page, "Failed");
    await expect(
      gatewaySection(page).getByText(
        /^Failed: an allowed client — the model refused APIM's credential: 401 from the backend/,
      ),
    ).toBeVisible();
    const allowed = probeRow(probes, "An allowed client");
    await expect(allowed).toContainText("failed");
    await expect(allowed).toContainText("the model refused APIM's credential: 401 from the backend");
    // Callers are still kept out: only the backend credential broke.
    await expect(probeRow(probes, "No token")).toContainText("as expected");
    await expectAccessible(page);
  });
});

const gatewaySection = (page: Page) => page.getByRole("region", { name: "Access at the gateway" });

/**
 * Presses "Verify access" and waits for the verdict it expects (another verdict than the page
 * showed before); returns the probes table. Probes run one after another through the gateway and
 * the model, hence the longer wait under load.
 */
async function verify(page: Page, verdict: "Failed") {
  await page.getByRole("button", { name: "Verify access" }).click();
  await expect(page.getByTestId("verification-verdict")).toContainText(verdict, { timeout: 30_000 });
  return page.getByRole("table", { name: "Probes of the latest verification" });
}

const probeRow = (table: ReturnType<Page["getByRole"]>, probe: string) =>
  table.getByRole("row").filter({ has: table.page().getByRole("rowheader", { name: probe, exact: true }) });
