import { useMemo } from "react";
import { renderPolicy } from "@/lib/policy/render/render-policy";
import { validateAccessProfile } from "@/lib/policy/profile-schema";
import { profileFromModel, type ProfileModel } from "./profile-form-model";

/**
 * The policy the profile renders to, computed in the browser with the same pure engine the
 * server uses. This is the block on its own in APIM's default document; the plan shows it
 * merged into the API's live policy.
 */
export function PolicyPreview({ model }: { model: ProfileModel }) {
  const result = useMemo(() => {
    const validation = validateAccessProfile(profileFromModel(model));
    return validation.ok ? { xml: renderPolicy(validation.profile) } : { problems: validation.issues.length };
  }, [model]);
  return (
    <section aria-labelledby="preview-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="preview-title" className="text-sm font-semibold">
        Policy preview
      </h2>
      {"xml" in result ? (
        <pre
          tabIndex={0}
          aria-label="Rendered policy XML"
          className="mt-2 max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
        >
          {result.xml}
        </pre>
      ) : (
        <p className="mt-2 text-sm text-slate-600">
          The preview appears when the profile is complete ({result.problems}{" "}
          {result.problems === 1 ? "field needs" : "fields need"} attention; saving lists them).
        </p>
      )}
    </section>
  );
}
