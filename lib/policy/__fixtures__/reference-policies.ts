/**
 * Test helper: the 39 real policies copied from ../shared/reference/apim/policies (CI runs on a
 * clone without ../shared) with the well-formed flag that SOURCES.md records for each.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ReferencePolicy {
  file: string;
  text: string;
  /** SOURCES.md: "well-formed XML (python ElementTree)" column; the others need `rawxml`. */
  wellFormed: boolean;
}

const folder = fileURLToPath(new URL("./reference-policies/", import.meta.url));

export function loadReferencePolicies(): ReferencePolicy[] {
  const sources = readFileSync(folder + "SOURCES.md", "utf8");
  return readdirSync(folder)
    .filter((file) => file.endsWith(".xml"))
    .sort()
    .map((file) => {
      const row = sources.split("\n").find((line) => line.startsWith(`| ${file} |`));
      if (row === undefined) throw new Error(`SOURCES.md has no row for ${file}`);
      return { file, text: readFileSync(folder + file, "utf8"), wellFormed: row.trimEnd().endsWith("| yes |") };
    });
}
