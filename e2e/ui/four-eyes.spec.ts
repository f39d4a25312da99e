import { expect, test, type Page } from "../support/test";
import { expectAccessible } from "../support/accessibility";
import { resetSandboxApprovalSettings } from "../support/database";
import { restCall, saveNewProfile, syncedSandboxInstance } from "../support/rest";
import { signIn } from "../support/sandbox";

const API = "Azure OpenAI (EU routing)";

/** Admin plans the API's newest profile version (saved over REST) and lands on the plan page. */
async function planAsAdmin(page: Page, request: Parameters<typeof saveNewProfile>[0]): Promise<string> {
  const apiId = await saveNewProfile(request, "azure-openai-eu");
  await page.goto(`/apis/${apiId}`);
  await page.getByRole("button", { name: "Plan changes" }).click();
  await expect(page.getByRole("heading", { name: `Plan for ${API}` })).toBeVisible();
  return page.url();
}

/**
 * admin2 saves a new version of the API in the profile editor (tenant changed), never applied: any
 * plan of the API brings it. What the refusal names them as having written.
 */
async function saveVersionAsAdmin2(page: Page, apiId: string): Promise<string> {
  await signIn(page, "admin2");
  await page.goto(`/apis/${apiId}/edit`);
  await page.getByLabel("Tenant").fill("fabrikam.onmicrosoft.com");
  await page.getByRole("button", { name: "Save new version" }).click();
  const saved = page.getByText(/^Saved version \d+\.$/);
  await expect(saved).toBeVisible();
  const version = (await saved.textContent())!.match(/\d+/)![0];
  return `profile version ${version} of azure-openai-eu`;
}

test.describe("four-eyes approval on a production instance", () => {
  test.describe.configure({ mode: "serial" });

  // The other specs share this instance. The last test lowers its protection again through the
  // console; if any test fails first, this puts it back so that they do not all need approvals.
  test.afterAll(() => resetSandboxApprovalSettings());

  test("an admin marks the instance as production, which makes applies need one approval", async ({ page }) => {
    await signIn(page, "admin");
    await page.goto("/instances");
    await page.getByText("Environment and approval settings of sandbox").click();
    const form = page.getByRole("form", { name: "Approval settings of sandbox" });
    await form.getByLabel("Environment").selectOption("production");
    await form.getByLabel("Approval lifetime (hours)").fill("0");
    await form.getByRole("button", { name: "Save approval settings" }).click();
    // A refused value is named and linked to its field, and keyboard focus lands on the summary.
    const summary = form.getByRole("alert");
    await expect(summary).toContainText("must be at least 1 hour");
    await expect(summary).toBeFocused();
    await form.getByLabel("Approval lifetime (hours)").fill("24");
    await form.getByRole("button", { name: "Save approval settings" }).click();
    await expect(form.getByRole("status")).toContainText("Applies on this instance need 1 approval.");
    await expect(page.getByRole("article", { name: "sandbox" })).toContainText("1 by admins other than the author");
    await expectAccessible(page);
  });

  test("a change set needing approval is in the waiting list and the header's count, linked to its page", async ({
    page,
    request,
  }) => {
    const apiId = await saveNewProfile(request, "azure-openai-eu");
    const title = "Four-eyes set e2e";
    const made = await restCall(request, "POST", "/change-sets", {
      data: {
        title,
        apiIds: [apiId],
        change: { op: "addClientApplication", clientApplicationId: "66666666-7777-4888-9999-aaaaaaaaaaaa" },
      },
    });
    const setId = made.body.id as string;
    try {
      await signIn(page, "admin2");
      await page.goto("/approvals");
      const sets = page.getByRole("table", { name: /^Change sets waiting for approval/ });
      const row = sets.getByRole("row").filter({ hasText: title });
      await expect(row.getByRole("cell").first()).toHaveText("1"); // APIs
      await expect(row).toContainText("0 of 1");
      // The count is of everything listed: plans, change sets and settings changes.
      const listed = await page.locator("tbody tr").count();
      await expect(page.getByTestId("waiting-for-approval-count")).toHaveText(
        `${listed} ${listed === 1 ? "change" : "changes"}`,
      );
      await expectAccessible(page);
      await row.getByRole("link", { name: `${title} — review the change set` }).click();
      await expect(page).toHaveURL(new RegExp(`/change-sets/${setId}$`));
      // admin2 wrote none of it (automation made the set and saved the version): Approve is offered.
      await expect(page.getByRole("button", { name: "Approve the whole set" })).toBeEnabled();
    } finally {
      // Not left waiting for the specs after this one.
      await restCall(request, "POST", `/change-sets/${setId}/rejections`, { data: { reason: "e2e: done looking" } });
    }
  });

  test("the author's apply is refused until admin2 approves; then the author applies", async ({
    page,
    browser,
    request,
  }) => {
    await signIn(page, "admin");
    const planUrl = await planAsAdmin(page, request);
    const approval = page.getByRole("region", { name: "Approval", exact: true });
    await expect(approval).toContainText("Waiting for approval");
    // The author is shown Approve unavailable, with why: said beside it and read out with it.
    const ownApprove = approval.getByRole("button", { name: "Approve" });
    await expect(ownApprove).toBeDisabled();
    await expect(ownApprove).toHaveAccessibleDescription(
      "You made this plan: another admin must approve it. You may reject it to withdraw it.",
    );
    await expect(approval).toContainText("You made this plan: another admin must approve it.");

    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByRole("alert", { name: "The plan was not applied" })).toContainText(
      "needs an approval by an admin other than its author",
    );
    await expect(page).toHaveURL(planUrl);

    // The second admin finds it through the header's count and the waiting list.
    const second = await (await browser.newContext()).newPage();
    await signIn(second, "admin2");
    await expect(second.getByTestId("waiting-for-approval-count")).toHaveText(/^[1-9]\d* changes?$/);
    await second.getByRole("link", { name: /^Waiting for approval/ }).click();
    await expect(second.getByRole("heading", { name: "Waiting for approval", level: 1 })).toBeVisible();
    await expectAccessible(second);
    await second.getByRole("link", { name: `${API} — review the plan` }).click();
    await expect(second).toHaveURL(planUrl);
    // Keyboard only: the approve button is reached and pressed without a pointer.
    const approve = second
      .getByRole("region", { name: "Approval", exact: true })
      .getByRole("button", { name: "Approve" });
    await approve.focus();
    await second.keyboard.press("Enter");
    await expect(second.getByRole("status").filter({ hasText: "Approved." })).toContainText(
      "The plan has the approvals it needs and can be applied.",
    );
    await expect(second.getByRole("list", { name: "Approvals and rejections" })).toContainText(
      "Approved by Sandbox Second Admin",
    );
    await second.context().close();

    await page.reload();
    await expect(page.getByRole("region", { name: "Approval", exact: true })).toContainText("Approved");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/\/deployments\//);
    await expect(page.getByTestId("deployment-progress")).toHaveText(/^Succeeded/, { timeout: 30_000 });

    // The plan's story, filtered by its hash: requested, refused, approved by admin2, applied.
    await page.goto(planUrl);
    await page.getByRole("link", { name: "Audit history of this plan" }).click();
    const events = page.getByRole("table");
    for (const action of ["approval.request", "deployment.refuse", "approval.approve", "deployment.start"]) {
      await expect(events.getByRole("row").filter({ hasText: action })).toHaveCount(1);
    }
    await expect(events.getByRole("row").filter({ hasText: "approval.approve" })).toContainText("Sandbox Second Admin");
  });

  test("a plan admin2 rejects cannot be applied, and the author is told why", async ({ page, browser, request }) => {
    await signIn(page, "admin");
    const planUrl = await planAsAdmin(page, request);

    const second = await (await browser.newContext()).newPage();
    await signIn(second, "admin2");
    await second.goto(planUrl);
    const reject = second.getByRole("form", { name: "Reject this plan" });
    await reject.getByRole("button", { name: "Reject" }).click();
    await expect(reject.getByRole("alert")).toContainText("must say why the plan is rejected");
    await reject.getByLabel("Reason for rejecting").fill("Not during the freeze");
    await reject.getByRole("button", { name: "Reject" }).click();
    await expect(reject.getByRole("status")).toContainText("Rejected: this plan cannot be applied.");
    await expect(second.getByRole("region", { name: "Approval", exact: true })).toContainText("Rejected");
    await second.context().close();

    await page.reload();
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByRole("alert", { name: "The plan was not applied" })).toContainText(
      "rejected by Sandbox Second Admin: Not during the freeze",
    );
  });

  test("an admin who saved the version planned is shown Approve unavailable with what they wrote; one who wrote none of it may approve", async ({
    page,
    browser,
    request,
  }) => {
    const apiId = await saveNewProfile(request, "azure-openai-eu");
    const second = await (await browser.newContext()).newPage();
    const wrote = await saveVersionAsAdmin2(second, apiId);

    await signIn(page, "admin");
    await page.goto(`/apis/${apiId}`);
    await page.getByRole("button", { name: "Plan changes" }).click();
    await expect(page.getByRole("heading", { name: `Plan for ${API}` })).toBeVisible();
    const planUrl = page.url();

    // admin2 sees, in the waiting list, that this plan is one they cannot approve, and why.
    await second.goto("/approvals");
    const plans = second.getByRole("table", { name: "Plans waiting for approval, oldest first" });
    const row = plans.getByRole("row").filter({ has: second.getByRole("link", { name: `${API} — review the plan` }) });
    await expect(row).toContainText(`You wrote ${wrote}: an admin who wrote none of its inputs must approve.`);
    await expectAccessible(second);
    await row.getByRole("link", { name: `${API} — review the plan` }).click();
    await expect(second).toHaveURL(planUrl);

    // On the plan, Approve is shown unavailable, reachable by keyboard, and described by what they wrote.
    const approval = second.getByRole("region", { name: "Approval", exact: true });
    const approve = approval.getByRole("button", { name: "Approve" });
    await expect(approve).toBeDisabled();
    await expect(approve).toHaveAccessibleDescription(
      new RegExp(
        `^You cannot approve this plan: you wrote what it brings to its API,\\s*${wrote}\\s*so your approval would be of your own change\\.`,
      ),
    );
    await expect(approval).toContainText(wrote);
    // aria-disabled, not disabled: it stays in the tab order, so a keyboard user reaches it and hears why.
    await approve.focus();
    await expect(approve).toBeFocused();
    await expectAccessible(second);
    // Withdrawn by its author, so that it is not left waiting.
    await page.getByRole("form", { name: "Reject this plan" }).getByLabel("Reason for rejecting").fill("e2e: done");
    await page.getByRole("form", { name: "Reject this plan" }).getByRole("button", { name: "Reject" }).click();
    await expect(page.getByRole("form", { name: "Reject this plan" }).getByRole("status")).toContainText("Rejected");

    // admin2 plans it now; admin wrote none of what it brings, so admin is offered Approve, and it works.
    await second.goto(`/apis/${apiId}`);
    await second.getByRole("button", { name: "Plan changes" }).click();
    await expect(second.getByRole("heading", { name: `Plan for ${API}` })).toBeVisible();
    const secondPlanUrl = second.url();
    await second.context().close();

    await page.goto("/approvals");
    const listed = page
      .getByRole("table", { name: "Plans waiting for approval, oldest first" })
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: `${API} — review the plan` }) });
    await expect(listed).toContainText("Sandbox Second Admin");
    await expect(listed).not.toContainText("You wrote");
    await listed.getByRole("link", { name: `${API} — review the plan` }).click();
    await expect(page).toHaveURL(secondPlanUrl);
    const offered = page
      .getByRole("region", { name: "Approval", exact: true })
      .getByRole("button", { name: "Approve" });
    await expect(offered).toBeEnabled();
    await offered.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "Approved." })).toContainText(
      "The plan has the approvals it needs and can be applied.",
    );
  });

  test("an admin who saved a version a change set brings is shown its Approve unavailable with what they wrote", async ({
    page,
    request,
  }) => {
    const apiId = await saveNewProfile(request, "azure-openai-eu");
    const wrote = await saveVersionAsAdmin2(page, apiId);
    // Automation makes the set: its plan brings admin2's unapplied version as well as the set's own.
    const made = await restCall(request, "POST", "/change-sets", {
      data: {
        title: "Contributed set e2e",
        apiIds: [apiId],
        change: { op: "addClientApplication", clientApplicationId: "77777777-8888-4999-aaaa-bbbbbbbbbbbb" },
      },
    });
    const setId = made.body.id as string;
    try {
      await page.goto(`/change-sets/${setId}`);
      const approval = page.getByRole("region", { name: "Approval", exact: true });
      await expect(approval).toContainText("Waiting for approval");
      const approve = approval.getByRole("button", { name: "Approve the whole set" });
      await expect(approve).toBeDisabled();
      // Among what it names: earlier tests' versions by admin2 of the same API, never applied, travel too.
      await expect(approve).toHaveAccessibleDescription(
        new RegExp(
          `^You cannot approve this change set: you wrote what it brings to its APIs,.*\\b${wrote}\\s.*so your approval would be of your own change\\.`,
        ),
      );
      await expect(approval).toContainText(wrote);
      // aria-disabled, not disabled: it stays in the tab order, so a keyboard user reaches it and hears why.
      await approve.focus();
      await expect(approve).toBeFocused();
      await expectAccessible(page);
      // Pressing it records nothing: read again, the set still waits with no approval.
      await page.keyboard.press("Enter");
      await page.reload();
      await expect(page.getByTestId("approval-count")).toHaveText(/^0 of 1 approval/);
      await expect(page.getByRole("list", { name: "Approvals and rejections" })).toHaveCount(0);
    } finally {
      // Not left waiting for the specs after this one.
      await restCall(request, "POST", `/change-sets/${setId}/rejections`, { data: { reason: "e2e: done looking" } });
    }
  });

  // Last: the instance goes back to needing no approval, which (separation of duties) takes a
  // second admin, and which automation may not ask for at all.
  test("lowering the instance's protection waits until admin2 approves it; automation may not ask", async ({
    page,
    browser,
    request,
  }) => {
    const instance = await syncedSandboxInstance(request);
    await expect(
      restCall(request, "PATCH", `/instances/${instance}`, { data: { approvalsRequired: 0 } }),
    ).rejects.toThrow(/403.*Automation/);

    await signIn(page, "admin");
    await page.goto("/instances");
    const card = page.getByRole("article", { name: "sandbox" });
    await card.getByText("Environment and approval settings of sandbox").click();
    const form = card.getByRole("form", { name: "Approval settings of sandbox" });
    // Mixed: leaving production lowers protection and waits; a shorter approval lifetime raises it and applies at once.
    await form.getByLabel("Environment").selectOption("none");
    await form.getByLabel("Approval lifetime (hours)").fill("12");
    await form.getByRole("button", { name: "Save approval settings" }).click();
    await expect(form.getByRole("status")).toContainText(
      "The stricter settings applied at once. Waiting for approval: this lowers the instance's protection",
    );
    await expect(card).toContainText("1 by admins other than the author, valid 12 h");
    const pending = card.getByRole("region", { name: "Settings change of sandbox waiting for approval" });
    await expect(pending).toContainText("environment from production to not set");
    // It waits no longer than an approval of it would last: the 12 h just set.
    await expect(pending).toContainText(
      /Unless approved in time, it expires: (12 hours|11 hours 59 minutes) left \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\./,
    );
    await expect(pending).toContainText("You asked for this change: another admin must approve it.");
    await expect(pending.getByRole("button", { name: /^Approve/ })).toHaveCount(0);

    const second = await (await browser.newContext()).newPage();
    await signIn(second, "admin2");
    await second.goto("/approvals");
    await second.getByRole("link", { name: "sandbox — review the settings change" }).click();
    const secondCard = second.getByRole("article", { name: "sandbox" });
    const toApprove = secondCard.getByRole("region", { name: "Settings change of sandbox waiting for approval" });
    await toApprove.getByRole("button", { name: "Approve the settings change of sandbox" }).click();
    await expect(secondCard.getByRole("region", { name: /waiting for approval/ })).toHaveCount(0);
    await expect(secondCard).toContainText(/Environment\s*not set/);
    await expect(secondCard).toContainText(/Applies need approval\s*no/);
    await expectAccessible(second);
    await second.context().close();

    await page.reload();
    await expect(card.getByRole("region", { name: /waiting for approval/ })).toHaveCount(0);
  });
});
