/** Shown while a console page loads its data (pages that read APIM stream the slow parts in separately). */
export default function ConsoleLoading() {
  return (
    <div role="status" className="space-y-4" aria-live="polite">
      <p className="text-sm text-slate-600">Loading…</p>
      <div aria-hidden="true" className="h-8 w-1/3 animate-pulse rounded bg-slate-200" />
      <div aria-hidden="true" className="h-40 animate-pulse rounded-lg bg-slate-200" />
    </div>
  );
}
