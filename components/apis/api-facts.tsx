import type { ApiView } from "@/lib/apis/schemas";

/** Where an API lives in APIM. */
export function ApiFacts({ api }: { api: ApiView }) {
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
      <div>
        <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Instance</dt>
        <dd>{api.instanceName}</dd>
      </div>
      <div>
        <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">ARM name</dt>
        <dd className="font-mono text-xs">{api.apimName}</dd>
      </div>
      <div>
        <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Path</dt>
        <dd className="font-mono text-xs">/{api.path}</dd>
      </div>
      <div>
        <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Service URL</dt>
        <dd className="break-all font-mono text-xs">{api.serviceUrl ?? "none"}</dd>
      </div>
    </dl>
  );
}
