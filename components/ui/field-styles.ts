/** Shared looks for form fields. */
export const fieldStyles = {
  label: "block text-sm font-medium text-slate-700",
  input:
    "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600 aria-[invalid=true]:border-red-600",
  error: "mt-1 text-sm text-red-700",
  hint: "mt-1 text-xs text-slate-500",
} as const;
