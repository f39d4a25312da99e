/**
 * The property of lib/policy/hostile-values.test.ts at 100,000 values:
 *   npx tsx bench/policy-hostile-values.ts [--values=100000]
 * Prints how many values were refused and accepted, and the time taken. Exits 1 on a counterexample.
 */
import fc from "fast-check";
import { checkHostileProfile, hostileProfileCase } from "../lib/policy/__fixtures__/hostile-values";
import { figure, printBenchResult } from "./support/bench-result";
import { numberArgument } from "./support/control-plane";

const runs = numberArgument("values", 100_000);
let accepted = 0;
const started = performance.now();
const result = fc.check(
  fc.property(hostileProfileCase, (testCase) => {
    if (checkHostileProfile(testCase)) accepted++;
  }),
  { numRuns: runs },
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (result.failed) {
  console.error(
    `counterexample after ${result.numRuns} runs (seed ${result.seed}): ${JSON.stringify(result.counterexample)}`,
  );
  console.error(result.errorInstance);
  process.exit(1);
}
console.log(
  `${result.numRuns} hostile values: ${result.numRuns - accepted} refused naming their field, ${accepted} rendered, well-formed and read back exactly; no expression, reference or element injected (seed ${result.seed}, ${seconds} s)`,
);
printBenchResult([
  figure(
    `hostile profile values handled safely (refused naming their field, or rendered and read back exactly) in ${seconds} s`,
    "values",
    [result.numRuns],
    { equalsBound: runs },
  ),
]);
