import type { Metadata } from "next";
import { CenteredCard } from "@/components/layout/centered-card";
import { buttonStyles } from "@/components/ui/button-styles";
import { safeReturnTo } from "@/lib/auth/return-to";

export const metadata: Metadata = { title: "Sign in" };

const REASONS: Record<string, string> = {
  expired: "Your session expired. Sign in again to continue.",
  revoked: "Your session was ended. Sign in again to continue.",
  "signed-out": "You are signed out.",
  failed: "Sign-in did not complete. Try again; if it keeps failing, ask your administrator.",
};

/** Public by design (ROUTE_ACCESS "/signin"): it is where everyone without a session lands. */
export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const returnTo = safeReturnTo(typeof params.returnTo === "string" ? params.returnTo : undefined);
  const reason = typeof params.reason === "string" ? REASONS[params.reason] : undefined;
  return (
    <CenteredCard title="Sign in to Portcullis">
      {reason ? (
        <p role="status" className="mb-4 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm">
          {reason}
        </p>
      ) : null}
      <p className="mb-6 text-sm text-slate-600">
        Portcullis controls who may call your LLM APIs on Azure API Management. Sign in with your organisation account.
      </p>
      <a className={buttonStyles.primary} href={`/auth/signin?returnTo=${encodeURIComponent(returnTo)}`}>
        Sign in with Microsoft Entra ID
      </a>
    </CenteredCard>
  );
}
