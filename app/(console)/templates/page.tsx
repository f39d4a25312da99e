import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { buttonStyles } from "@/components/ui/button-styles";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { guardPage } from "@/lib/auth/console-guard";
import { listTemplates } from "@/lib/templates/list-templates";

export const metadata: Metadata = { title: "Profile templates" };

/** Named access profiles APIs follow: each new version comes to its followers as a change set. */
export default async function TemplatesPage() {
  const ctx = await guardPage("/templates");
  const templates = await listTemplates(ctx);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Profile templates</h1>
          <p className="text-sm text-slate-600">
            Named access profiles that APIs follow: publishing a new version makes one change set for all of them.
          </p>
        </div>
        {ctx.permissions.has("config.write") ? (
          <Link href="/templates/new" className={buttonStyles.primary}>
            New template
          </Link>
        ) : null}
      </div>
      {templates.length === 0 ? (
        <Alert title="No profile template yet." />
      ) : (
        <DataTable
          caption="Profile templates, by name"
          columns={["Template", "Description", "Version", "Followers", "Created"]}
        >
          {templates.map((template) => (
            <tr key={template.id} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-2 font-medium">
                <Link href={`/templates/${template.id}`} className="text-blue-700 underline">
                  {template.name}
                </Link>
              </th>
              <td className="px-3 py-2">{template.description}</td>
              <td className="px-3 py-2">v{template.latestVersion}</td>
              <td className="px-3 py-2">{template.followers}</td>
              <td className="px-3 py-2">
                <DateTime value={template.createdAt} /> by {template.createdBy}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
