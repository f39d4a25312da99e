import type { Metadata } from "next";
import Link from "next/link";
import { CenteredCard } from "@/components/layout/centered-card";
import { guardPage } from "@/lib/auth/console-guard";
import { PERMISSIONS } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Not allowed" };

const DESCRIPTIONS: Record<(typeof PERMISSIONS)[number], string> = {
  "config.read": "reading the access configuration",
  "config.write": "changing access profiles, secrets and deployments (administrators)",
  "audit.read": "reading the audit history (security reviewers and administrators)",
};

export default async function ForbiddenPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await guardPage("/forbidden");
  const need = (await searchParams).need;
  const permission = PERMISSIONS.find((p) => p === need);
  return (
    <CenteredCard title="Not allowed">
      <p className="mb-6 text-sm">
        {permission
          ? `That page needs permission for ${DESCRIPTIONS[permission]}, which your roles do not grant.`
          : "Your roles do not allow that."}{" "}
        The attempt was recorded in the audit history.
      </p>
      <Link className="text-sm font-semibold text-blue-700 underline" href="/">
        Back to the console
      </Link>
    </CenteredCard>
  );
}
