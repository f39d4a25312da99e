"use client";

import Link from "next/link";
import {
  startTransition,
  useActionState,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
} from "react";
import { ErrorSummary } from "@/components/forms/error-summary";
import { IDLE, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { Alert } from "@/components/ui/alert";
import { buttonStyles } from "@/components/ui/button-styles";
import { Section } from "@/components/ui/section";
import type { BackendAuth, CallerAuth } from "@/lib/policy/profile-schema";
import { AdoptCheckbox } from "./adopt-checkbox";
import { BackendAuthFields } from "./backend-auth-fields";
import { CallerAuthFields } from "./caller-auth-fields";
import type { EditorFieldsProps } from "./editor-fields";
import { PolicyPreview, type PreviewAction } from "./policy-preview";
import type { ProfileHints } from "./profile-hints";
import { fieldDomId, fieldKeyOf, modelFromProfile, profileFromModel, type ProfileModel } from "./profile-form-model";

export interface AccessProfileEditorProps {
  /** Sent with the profile: what it is saved to (e.g. apiId) and If-Match of the version edited ("" for a first one). */
  fields: Record<string, string>;
  /** Where Cancel goes. */
  cancelHref: string;
  /** Where the editor loads the latest version after a conflict (someone saved in between). */
  reloadHref: string;
  /** The submit button and the sentence beside it. */
  submit: { label: string; busyText: string; note: string };
  /** Fields of the form above the profile's (e.g. a template's name); they are sent too. */
  children?: ReactNode;
  /** Where the editor starts: the current version, a reading of the live policy, or nothing. */
  initial: { backendAuth: BackendAuth | null; callerAuth: CallerAuth | null } | null;
  /** Offer to take over the live policy's hand-written statements (checked at first). */
  offerAdopt: boolean;
  action: FormAction<null>;
  /** Renders the live preview on the server. */
  preview: PreviewAction;
  /** Field hints (PROFILE_HINTS, read on the server). */
  hints: ProfileHints;
  /** The Portcullis probe's client id, offered as an allowed client (null: not offered). */
  probeClientId: string | null;
}

/**
 * Edits an access profile (an API's, or a profile template's) and saves it as a new version. The server validates with the
 * same schema as the REST API; its errors are shown next to each field and in a summary that
 * takes focus, and the fields keep everything that was typed. A 412 means someone else saved
 * in between: the editor says so and offers the latest version instead of overwriting it.
 */
export function AccessProfileEditor({
  fields: sentFields,
  cancelHref,
  reloadHref,
  submit: submitText,
  children,
  initial,
  offerAdopt,
  action,
  preview,
  hints,
  probeClientId,
}: AccessProfileEditorProps) {
  const [model, setModel] = useState(() => modelFromProfile(initial));
  const [adopt, setAdopt] = useState(offerAdopt);
  const [sent, setSent] = useState<ProfileModel>(model);
  const [state, dispatch, pending] = useActionState(action, IDLE);
  const keyCounter = useRef(0);
  // An object, so asking twice for the same element still runs the effect.
  const [focusTarget, setFocusTarget] = useState<{ id: string } | null>(null);

  useEffect(() => {
    if (focusTarget) document.getElementById(focusTarget.id)?.focus();
  }, [focusTarget]);

  // Errors are tied to the items as they were sent, so removing one item does not move its error to another.
  const errors = useMemo(() => {
    const byField = new Map<string, string>();
    if (state.status === "error")
      for (const field of state.fields) byField.set(fieldKeyOf(field.path, sent) ?? "", field.message);
    return byField;
  }, [state, sent]);

  const fields: EditorFieldsProps = {
    model,
    update: (change) =>
      setModel((current) => {
        const next = structuredClone(current);
        change(next);
        return next;
      }),
    errors,
    newKey: () => `new${++keyCounter.current}`,
    focusLater: (id) => setFocusTarget({ id }),
    hints,
    probeClientId,
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    for (const [name, value] of Object.entries(sentFields)) formData.set(name, value);
    formData.set("profile", JSON.stringify(profileFromModel(model)));
    if (offerAdopt) formData.set("adopt", String(adopt));
    setSent(model);
    startTransition(() => dispatch(formData));
  };

  const conflict = state.status === "error" && state.code === "precondition_failed";
  const links =
    state.status === "error" && !conflict
      ? state.fields.map((field) => {
          const key = fieldKeyOf(field.path, sent);
          return { label: field.path, message: field.message, fieldId: key ? fieldDomId(key) : undefined };
        })
      : [];

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
      <form onSubmit={submit} noValidate className="space-y-6" aria-label="Access profile">
        {conflict ? (
          <Alert tone="error" title="Someone else saved this profile while you were editing.">
            {state.message} Your changes are still in the form below.{" "}
            <a href={reloadHref} className="font-semibold underline">
              Load the latest version
            </a>{" "}
            (this replaces what is in the form).
          </Alert>
        ) : state.status === "error" ? (
          <ErrorSummary error={state} links={links} title="The profile was not saved" />
        ) : null}

        {children}

        <Section id="backend" title="Backend authentication" card>
          <p className="text-sm text-slate-600">How APIM authenticates to the model.</p>
          <BackendAuthFields {...fields} />
        </Section>

        <Section id="caller" title="Caller authentication" card>
          <p className="text-sm text-slate-600">
            Which callers APIM lets in. It is checked first, in front of backend authentication, never instead of it.
          </p>
          <CallerAuthFields {...fields} />
        </Section>

        {offerAdopt ? <AdoptCheckbox checked={adopt} onChange={setAdopt} /> : null}

        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton busy={pending} busyText={submitText.busyText}>
            {submitText.label}
          </SubmitButton>
          <Link href={cancelHref} className={buttonStyles.secondary}>
            Cancel
          </Link>
          <p className="text-sm text-slate-600">{submitText.note}</p>
        </div>
      </form>
      <div className="lg:sticky lg:top-4 lg:self-start">
        <PolicyPreview model={model} render={preview} />
      </div>
    </div>
  );
}
