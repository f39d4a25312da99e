import { useEffect, useMemo, useRef, useState } from "react";
import { Section } from "@/components/ui/section";
import type { PolicyPreview as Preview } from "@/lib/profiles/preview-policy";
import { profileFromModel, type ProfileModel } from "./profile-form-model";

export type PreviewResult = Preview | { status: "error"; message: string };

/** Renders a profile (its JSON, as the editor sends it) on the server: a server action. */
export type PreviewAction = (profile: string) => Promise<PreviewResult>;

/** Quiet time after the last keystroke before the preview is asked for again. */
const DEBOUNCE_MS = 250;

/**
 * The policy the profile renders to. This is the block on its own in APIM's default document;
 * the plan shows it merged into the API's live policy. The server renders it with the same
 * engine and schema that saving and planning use (the browser does not download them), asked
 * once the user pauses typing; until the answer for what the form holds now arrives, the last
 * one stays on screen marked as updating.
 */
export function PolicyPreview({ model, render }: { model: ProfileModel; render: PreviewAction }) {
  const profile = useMemo(() => JSON.stringify(profileFromModel(model)), [model]);
  const [shown, setShown] = useState<{ profile: string; result: PreviewResult } | null>(null);
  // The first preview is asked for at once; later ones once typing pauses.
  const asked = useRef(false);

  useEffect(() => {
    let wanted = true;
    const ask = () => {
      asked.current = true;
      render(profile)
        .catch((): PreviewResult => ({ status: "error", message: "the server could not be reached." }))
        .then((result) => {
          // An answer for an older state of the form never replaces the one for the current state.
          if (wanted) setShown({ profile, result });
        });
    };
    const timer = setTimeout(ask, asked.current ? DEBOUNCE_MS : 0);
    return () => {
      wanted = false;
      clearTimeout(timer);
    };
  }, [profile, render]);

  const updating = shown?.profile !== profile;
  const result = shown?.result;
  return (
    <Section
      id="preview"
      title="Policy preview"
      card
      padding="compact"
      busy={updating}
      aside={updating ? <span className="text-xs text-slate-600">Updating…</span> : null}
    >
      {result === undefined ? (
        <p className="text-sm text-slate-600">Rendering the preview…</p>
      ) : result.status === "rendered" ? (
        <pre
          tabIndex={0}
          aria-label="Rendered policy XML"
          className={`max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 ${updating ? "opacity-70" : ""}`}
        >
          {result.xml}
        </pre>
      ) : result.status === "incomplete" ? (
        <p className="text-sm text-slate-600">
          The preview appears when the profile is complete ({result.problems}{" "}
          {result.problems === 1 ? "field needs" : "fields need"} attention; saving lists them).
        </p>
      ) : (
        <p className="text-sm text-slate-600">The preview could not be rendered: {result.message}</p>
      )}
    </Section>
  );
}
