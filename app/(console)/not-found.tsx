import Link from "next/link";

/** Shown for an id that does not exist (or no longer does). */
export default function ConsoleNotFound() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-sm text-slate-600">
        There is nothing here. It may have been a mistyped link, or something that was never created.
      </p>
      <Link href="/apis" className="text-sm font-semibold text-blue-700 underline">
        Back to the APIs
      </Link>
    </div>
  );
}
