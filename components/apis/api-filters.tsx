import Link from "next/link";
import { buttonStyles } from "@/components/ui/button-styles";
import { Section } from "@/components/ui/section";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { apiListQuerySchema } from "@/lib/apis/schemas";
import type { FieldIssue } from "@/lib/errors";

/** Search and instance filter as a GET form, so a filtered list has a URL to share. */
export function ApiFilters({
  search,
  instanceId,
  instances,
  errors,
}: {
  search: string;
  instanceId: string;
  instances: Array<{ id: string; name: string }>;
  errors: FieldIssue[];
}) {
  return (
    <Section card padding="compact">
      <form method="get" role="search" aria-label="Filter APIs" className="flex flex-wrap items-end gap-4">
        <TextField
          id="api-search"
          type="search"
          name="search"
          label="Search"
          defaultValue={search}
          hint={apiListQuerySchema.shape.search.description}
          error={errors.find((e) => e.path === "search")?.message}
          className="min-w-64 flex-1"
        />
        <SelectField
          id="api-instance"
          name="instanceId"
          label="Instance"
          defaultValue={instanceId}
          hint={apiListQuerySchema.shape.instanceId.description}
          error={errors.find((e) => e.path === "instanceId")?.message}
          className="min-w-48"
        >
          <option value="">All instances</option>
          {instances.map((instance) => (
            <option key={instance.id} value={instance.id}>
              {instance.name}
            </option>
          ))}
        </SelectField>
        <div className="flex items-center gap-3 pb-5">
          <button type="submit" className={buttonStyles.primary}>
            Filter
          </button>
          <Link href="/apis" className="text-sm text-blue-700 underline">
            Clear
          </Link>
        </div>
      </form>
    </Section>
  );
}
