import { withAppDatabase } from "../support/database";
import { signIn } from "../support/sandbox";
import { expect, test } from "../support/test";

/**
 * A server action posted from another site (its Origin is not this host) is refused with 403
 * and audited like any denied attempt, before Next.js would run — or fail on — it.
 */
test("a server action posted from another site answers 403 and is audited", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/instances");
  // A real action call of this page, to replay from elsewhere.
  const [call] = await Promise.all([
    page.waitForRequest((request) => request.method() === "POST" && request.headers()["next-action"] !== undefined),
    page.getByRole("button", { name: "Sync APIs of sandbox" }).click(),
  ]);
  await expect(page.getByRole("status").filter({ hasText: "Synced sandbox" })).toBeVisible();
  const headers = { "next-action": call.headers()["next-action"]!, "content-type": call.headers()["content-type"]! };

  // The page's own origin: the replay works (the session and the action id are valid).
  const own = await page.request.post("/instances", { headers, data: call.postDataBuffer()! });
  expect(own.status()).toBe(200);

  const crossSite = await page.request.post("/instances", {
    headers: { ...headers, origin: "https://attacker.example" },
    data: call.postDataBuffer()!,
  });
  expect(crossSite.status()).toBe(403);
  expect(crossSite.headers()["content-type"]).toBe("application/problem+json");
  expect(await crossSite.json()).toMatchObject({ status: 403, code: "forbidden" });

  // Audit events are chained shortly after their transaction commits.
  const lastDenial = () =>
    withAppDatabase(async (db) => {
      const { rows } = await db.query<{ actor_name: string; after: { origin: string; channel: string } }>(
        `SELECT actor_name, after FROM audit_events WHERE action = 'auth.denied' AND target_type = 'server-action' ORDER BY seq DESC LIMIT 1`,
      );
      return rows[0];
    });
  await expect
    .poll(lastDenial)
    .toMatchObject({ actor_name: "Sandbox Admin", after: { origin: "https://attacker.example", channel: "console" } });
});
