import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sampleProfiles, type SampleName } from "../__fixtures__/sample-profiles";
import { checkWellFormed } from "../document/well-formed-check";
import { renderPolicy } from "./render-policy";

const goldenFolder = fileURLToPath(new URL("../__golden__/", import.meta.url));
const names = Object.keys(sampleProfiles) as SampleName[];

describe("renderPolicy", () => {
  // UPDATE_GOLDEN=1 rewrites the files; review the diff before committing it.
  it.each(names)("%s matches its golden file", (name) => {
    const rendered = renderPolicy(sampleProfiles[name]);
    const file = `${goldenFolder}${name}.xml`;
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, rendered);
    expect(rendered).toBe(readFileSync(file, "utf8"));
  });

  it.each(names)("%s is well-formed XML and deterministic", (name) => {
    const rendered = renderPolicy(sampleProfiles[name]);
    expect(checkWellFormed(rendered)).toBeUndefined();
    expect(renderPolicy(structuredClone(sampleProfiles[name]))).toBe(rendered);
  });

  it("validates the caller before anything authenticates to the backend", () => {
    const rendered = renderPolicy(sampleProfiles["managed-identity-policy--entra"]);
    expect(rendered.indexOf("<validate-azure-ad-token")).toBeGreaterThan(rendered.indexOf("<base />"));
    expect(rendered.indexOf("<validate-azure-ad-token")).toBeLessThan(
      rendered.indexOf("<authentication-managed-identity"),
    );
  });

  it("drops the caller's token unless backend authentication replaces Authorization", () => {
    const drop = '<set-header name="Authorization" exists-action="delete" />';
    expect(renderPolicy(sampleProfiles["apikey-header--entra"])).toContain(drop);
    expect(renderPolicy(sampleProfiles["apikey-backend--entra"])).toContain(drop);
    expect(renderPolicy(sampleProfiles["managed-identity-backend--jwt"])).toContain(drop);
    expect(renderPolicy(sampleProfiles["managed-identity-policy--entra"])).not.toContain(drop);
    expect(renderPolicy(sampleProfiles["apikey-authorization-header--jwt"])).not.toContain(drop);
    expect(renderPolicy(sampleProfiles["apikey-header--none"])).not.toContain(drop);
    expect(renderPolicy(sampleProfiles["none--jwt"])).not.toContain(drop);
  });

  it("writes no block at all for none/none", () => {
    expect(renderPolicy(sampleProfiles["none--none"])).not.toContain("portcullis");
  });
});
