/**
 * Asks whether the version being saved takes over the hand-written statements the editor was
 * started from. Saved as the version's `adoptsHandWritten`; plans act on it (lib/policy README).
 */
export function AdoptCheckbox({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div className="flex items-start gap-2 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <input
        type="checkbox"
        id="adopt"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby="adopt-hint"
        className="mt-1"
      />
      <div>
        <label htmlFor="adopt" className="text-sm font-medium">
          Take over the hand-written policy
        </label>
        <p id="adopt-hint" className="text-sm text-slate-700">
          The hand-written statements this profile was read from will be removed from the policy and replaced by
          Portcullis&apos;s block — the plan shows exactly which lines. A part you set to None, and a statement with
          settings a profile cannot hold, keep their hand-written statements. Unchecked, the block is added next to them
          and both run.
        </p>
      </div>
    </div>
  );
}
