import Link from "next/link";
import { currentActor } from "@/lib/auth/console-guard";
import { permissionsOf, ROLE_LABELS, type Permission } from "@/lib/auth/permissions";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";

const NAV: Array<{ href: string; label: string; needs: Permission }> = [
  { href: "/", label: "Overview", needs: "config.read" },
  { href: "/instances", label: "Instances", needs: "config.read" },
  { href: "/apis", label: "APIs", needs: "config.read" },
  { href: "/change-sets", label: "Change sets", needs: "config.read" },
  { href: "/templates", label: "Templates", needs: "config.read" },
  { href: "/notifications", label: "Notifications", needs: "config.read" },
  { href: "/audit", label: "Audit", needs: "audit.read" },
];

/**
 * `waitingForApproval`: how many plans, change sets and instance settings changes wait for approval (null when the viewer may not see plans):
 * every row of the list, the viewer's own and those whose inputs they wrote included (the list marks those), so that
 * it is the same number for everyone and shows anything stuck; beside the link to the list so admins notice it.
 */
export async function ConsoleHeader({
  signOut,
  waitingForApproval,
}: {
  signOut: () => Promise<void>;
  waitingForApproval: number | null;
}) {
  const actor = await currentActor();
  const permissions = permissionsOf(actor?.roles ?? []);
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-3">
        <div className="flex flex-wrap items-center gap-x-8 gap-y-2">
          <Link href="/" className="text-lg font-bold tracking-tight">
            Portcullis
          </Link>
          <nav aria-label="Main">
            <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm font-medium">
              {NAV.filter((item) => permissions.has(item.needs)).map((item) => (
                <li key={item.href}>
                  <NavLink href={item.href}>{item.label}</NavLink>
                </li>
              ))}
              {waitingForApproval !== null ? (
                <li>
                  <NavLink href="/approvals">
                    Waiting for approval{" "}
                    <span
                      data-testid="waiting-for-approval-count"
                      className={`rounded-full px-2 py-0.5 text-xs font-semibold ${waitingForApproval > 0 ? "bg-amber-100 text-amber-950" : "bg-slate-100 text-slate-700"}`}
                    >
                      {waitingForApproval}
                      <span className="sr-only"> {waitingForApproval === 1 ? "change" : "changes"}</span>
                    </span>
                  </NavLink>
                </li>
              ) : null}
            </ul>
          </nav>
        </div>
        {actor ? (
          <div className="flex items-center gap-4 text-sm">
            <span>
              <span className="font-semibold" data-testid="user-name">
                {actor.name}
              </span>{" "}
              <span className="text-slate-500" data-testid="user-roles">
                ({actor.roles.map((role) => ROLE_LABELS[role]).join(", ") || "no role"})
              </span>
            </span>
            <SignOutButton signOut={signOut} />
          </div>
        ) : null}
      </div>
    </header>
  );
}
