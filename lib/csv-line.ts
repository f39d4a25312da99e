/**
 * One CSV line (RFC 4180 quoting) whose cells a spreadsheet shows as text: a cell starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so a value read from
 * APIM or typed by someone can never run as a formula (CSV injection).
 */
export function csvLine(values: ReadonlyArray<string | number | boolean | null>): string {
  return `${values.map((value) => csvCell(value === null ? null : String(value))).join(",")}\n`;
}

function csvCell(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
