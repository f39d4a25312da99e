import type { ReactNode } from "react";
import { signOutAction } from "@/app/(auth)/actions";
import { ConsoleHeader } from "@/components/layout/console-header";
import { sessionContext } from "@/lib/auth/console-guard";
import { countAwaitingApproval } from "@/lib/approvals/count-awaiting-approval";

/**
 * Chrome of every console page. Each page still guards itself: layouts do not re-run per
 * navigation, so the header's count of plans, change sets and settings changes waiting for approval is as of the last full render
 * or refresh (approving and rejecting refresh it).
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const ctx = await sessionContext();
  const waiting = ctx?.permissions.has("config.read") ? await countAwaitingApproval(ctx) : null;
  return (
    <>
      <ConsoleHeader signOut={signOutAction} waitingForApproval={waiting} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-8">
        {children}
      </main>
    </>
  );
}
