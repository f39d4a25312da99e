/**
 * Render + merge on a policy near APIM's 256 KiB limit, against baselines measured in the same process:
 *   npx tsx bench/policy-render-merge.ts
 * The documents are real reference policies whose <inbound> statements are repeated up to ~250 KiB.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sampleProfiles } from "../lib/policy/__fixtures__/sample-profiles";
import { parsePolicyDocument } from "../lib/policy/document/parse-policy-document";
import { checkWellFormed } from "../lib/policy/document/well-formed-check";
import { mergePolicy } from "../lib/policy/merge/merge-policy";
import { figure, median, printBenchResult, type BenchFigure } from "./support/bench-result";

const TARGET_BYTES = 250 * 1024;
const profile = sampleProfiles["managed-identity-policy--entra"];

function nearLimit(file: string, format: "xml" | "rawxml"): string {
  const text = readFileSync(
    fileURLToPath(new URL(`../lib/policy/__fixtures__/reference-policies/${file}`, import.meta.url)),
    "utf8",
  );
  const parsed = parsePolicyDocument(text, format);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const inbound = parsed.document.root.children.find((node) => node.kind === "element" && node.name === "inbound");
  if (inbound?.kind !== "element") throw new Error("no inbound");
  const statements = text.slice(inbound.contentStart, inbound.contentEnd);
  const copies = Math.floor((TARGET_BYTES - Buffer.byteLength(text)) / Buffer.byteLength(statements));
  return text.slice(0, inbound.contentEnd) + statements.repeat(copies) + text.slice(inbound.contentEnd);
}

/** Times of `iterations` runs after a few to warm up, in ms. */
function timed(run: () => unknown, iterations = 40): number[] {
  for (let i = 0; i < 5; i++) run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times;
}

function merged(text: string): string {
  const result = mergePolicy(text, profile);
  if (!result.ok) throw new Error(result.error.message);
  return result.text;
}

// Render + merge does a strict well-formedness check, builds a tree with offsets, renders and
// splices: a few times a bare parse. The goal keeps it there (recorded 3.1-3.5x; see README).
const TIMES_BASELINE = 4;
const rows: Array<[string, number]> = [];
const figures: BenchFigure[] = [];
for (const [file, format] of [
  ["21-aigw-ghcp-byok-entra.xml", "xml"],
  ["04-snippets-sap-token-validate-jwt-msi.xml", "rawxml"],
] as const) {
  const big = nearLimit(file, format);
  const once = merged(big);
  const kib = (Buffer.byteLength(big) / 1024).toFixed(0);
  const baseline = median(
    format === "xml" ? timed(() => checkWellFormed(big)) : timed(() => parsePolicyDocument(big, "rawxml")),
  );
  const baselineName = format === "xml" ? "saxes well-formedness check alone" : "parsePolicyDocument(rawxml) alone";
  rows.push([`${format} ${kib} KiB (${file}): ${baselineName}`, baseline]);
  if (format === "xml")
    rows.push([
      `${format} ${kib} KiB: parsePolicyDocument(xml) (saxes + tree)`,
      median(timed(() => parsePolicyDocument(big, "xml"))),
    ]);
  for (const [what, text] of [
    ["inserting the block", big],
    ["replacing the block", once],
  ] as const) {
    const times = timed(() => merged(text));
    rows.push([
      `${format} ${kib} KiB: render + merge, ${what} (x${(median(times) / baseline).toFixed(2)} baseline)`,
      median(times),
    ]);
    figures.push(
      figure(`render + merge of a ${kib} KiB ${format} policy, ${what} (bound: ${baselineName})`, "ms", times, {
        bound: baseline,
        timesBound: TIMES_BASELINE,
      }),
    );
  }
}
for (const [name, ms] of rows) console.log(`${ms.toFixed(2).padStart(8)} ms  ${name}`);
printBenchResult(figures);
