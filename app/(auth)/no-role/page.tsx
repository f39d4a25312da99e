import type { Metadata } from "next";
import { signOutAction } from "@/app/(auth)/actions";
import { CenteredCard } from "@/components/layout/centered-card";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { guardPage } from "@/lib/auth/console-guard";
import { getConfig } from "@/lib/env";

export const metadata: Metadata = { title: "No access yet" };

/** For signed-in users with none of Portcullis's roles: says which role to ask for, nothing else. */
export default async function NoRolePage() {
  const ctx = await guardPage("/no-role");
  const { roles } = getConfig();
  return (
    <CenteredCard title="You do not have access yet">
      <p className="mb-4 text-sm">
        You are signed in as <strong>{ctx.actor.name}</strong>, but your account has none of the Portcullis roles.
      </p>
      <p className="mb-2 text-sm">
        Ask your Entra ID administrator to assign you one of these app roles on the Portcullis app registration:
      </p>
      <dl className="mb-6 space-y-2 text-sm">
        <div>
          <dt className="font-mono font-semibold">{roles.reader}</dt>
          <dd className="text-slate-600">to read the access configuration of APIs.</dd>
        </div>
        <div>
          <dt className="font-mono font-semibold">{roles.reviewer}</dt>
          <dd className="text-slate-600">
            to read everything, including the audit history and its export (security reviewers).
          </dd>
        </div>
        <div>
          <dt className="font-mono font-semibold">{roles.admin}</dt>
          <dd className="text-slate-600">
            to change access profiles and secrets and push them to Azure API Management.
          </dd>
        </div>
      </dl>
      <p className="mb-6 text-sm text-slate-600">After the role is assigned, sign out and sign in again.</p>
      <SignOutButton signOut={signOutAction} />
    </CenteredCard>
  );
}
