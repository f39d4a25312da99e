import Link from "next/link";

/** "Replaces: …": the older sets, never applied, that a set superseded when it was made (each one link). */
export function SupersededSets({ sets }: { sets: ReadonlyArray<{ id: string; title: string }> }) {
  if (sets.length === 0) return null;
  return (
    <p className="text-sm font-normal text-slate-600" data-testid="superseded-sets">
      Replaces{" "}
      {sets.map((set, index) => (
        <span key={set.id}>
          {index > 0 ? ", " : ""}
          <Link href={`/change-sets/${set.id}`} className="text-blue-700 underline">
            {set.title}
          </Link>
        </span>
      ))}{" "}
      (superseded: no longer to approve or apply).
    </p>
  );
}
