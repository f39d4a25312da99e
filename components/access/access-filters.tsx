import Link from "next/link";
import { buttonStyles } from "@/components/ui/button-styles";
import { TextField } from "@/components/ui/text-field";
import type { FieldIssue } from "@/lib/errors";

/**
 * The matrix's filters and the reverse lookup as one GET form, so a filtered view has a URL to
 * share and works without JavaScript.
 */
export function AccessFilters({
  instanceId,
  anyoneCanCall,
  hasFindings,
  appId,
  errors,
}: {
  instanceId: string;
  anyoneCanCall: boolean;
  hasFindings: boolean;
  appId: string;
  errors: FieldIssue[];
}) {
  return (
    <form
      method="get"
      role="search"
      aria-label="Filter the access matrix"
      className="flex flex-wrap items-end gap-6 rounded-lg border border-slate-200 bg-white p-4"
    >
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Show only APIs that</legend>
        <Checkbox id="anyone-can-call" name="anyoneCanCall" label="anyone can call" checked={anyoneCanCall} />
        <Checkbox id="has-findings" name="hasFindings" label="have findings" checked={hasFindings} />
      </fieldset>
      <TextField
        id="app-id"
        name="appId"
        label="Which APIs can this client application call?"
        placeholder="00000000-0000-0000-0000-000000000000"
        defaultValue={appId}
        hint="Its application (client) id; the answer covers this instance."
        error={errors.find((error) => error.path === "appId")?.message}
        className="min-w-80 flex-1"
        spellCheck={false}
        autoComplete="off"
      />
      <div className="flex items-center gap-3 pb-5">
        <button type="submit" className={buttonStyles.primary}>
          Apply
        </button>
        <Link href={`/instances/${instanceId}/access`} className="text-sm text-blue-700 underline">
          Clear
        </Link>
      </div>
    </form>
  );
}

function Checkbox({ id, name, label, checked }: { id: string; name: string; label: string; checked: boolean }) {
  return (
    <div className="flex items-center gap-2">
      <input type="checkbox" id={id} name={name} value="true" defaultChecked={checked} />
      <label htmlFor={id} className="text-sm">
        {label}
      </label>
    </div>
  );
}
