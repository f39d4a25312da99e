/** A UTC time as people read it ("2026-11-27 09:50 UTC"), machine-readable in `dateTime`. */
export function DateTime({ value }: { value: string }) {
  return <time dateTime={value}>{value.slice(0, 16).replace("T", " ")} UTC</time>;
}
