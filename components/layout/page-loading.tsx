/** What a console page shows while its data loads (the slow parts that read APIM stream in separately). */
export function PageLoading() {
  return (
    <div role="status" className="space-y-4">
      <p className="text-sm text-slate-600">Loading…</p>
      <div aria-hidden="true" className="h-8 w-1/3 animate-pulse rounded bg-slate-200" />
      <div aria-hidden="true" className="h-40 animate-pulse rounded-lg bg-slate-200" />
    </div>
  );
}
