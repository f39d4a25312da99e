import type { Metadata } from "next";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { AccessProfileEditor } from "@/components/profiles/editor/access-profile-editor";
import { PROFILE_HINTS } from "@/components/profiles/editor/profile-hints";
import { Section } from "@/components/ui/section";
import { TextAreaField } from "@/components/ui/text-area-field";
import { TextField } from "@/components/ui/text-field";
import { guardPage } from "@/lib/auth/console-guard";
import { probeClientId } from "@/lib/verification/probe-tokens";
import { createTemplateAction, previewTemplatePolicyAction } from "../actions";

export const metadata: Metadata = { title: "New profile template" };

/** A template's name, description and first version, written in the access profile editor. */
export default async function NewTemplatePage() {
  await guardPage("/templates/new");
  return (
    <div className="space-y-6">
      <Breadcrumb trail={[{ href: "/templates", label: "Profile templates" }]} current="New template" />
      <div>
        <h1 className="text-2xl font-semibold">New profile template</h1>
        <p className="text-sm text-slate-600">
          Values may be <code>{"${name}"}</code> variables: each API following the template takes them from its
          instance&apos;s environment.
        </p>
      </div>
      <AccessProfileEditor
        fields={{}}
        cancelHref="/templates"
        reloadHref="/templates/new"
        submit={{
          label: "Create template",
          busyText: "Creating…",
          note: "Creating it changes no API: make APIs follow it afterwards.",
        }}
        initial={null}
        offerAdopt={false}
        action={createTemplateAction}
        preview={previewTemplatePolicyAction}
        hints={PROFILE_HINTS}
        probeClientId={probeClientId()}
      >
        <Section id="template" title="Template" card>
          <div className="space-y-4">
            <TextField
              id="template-name"
              name="name"
              label="Name"
              hint="Unique; it cannot be changed later."
              required
            />
            <TextAreaField id="template-description" name="description" label="Description" rows={2} />
          </div>
        </Section>
      </AccessProfileEditor>
    </div>
  );
}
