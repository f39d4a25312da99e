"use client";

import { ChoiceForm } from "@/components/forms/choice-form";
import type { FormAction } from "@/components/forms/form-state";

/**
 * Follow a profile template: its current version becomes the API's profile now (a new version to
 * plan and apply as any save), and its next versions come as change sets.
 */
export function FollowTemplateForm({
  apiId,
  templates,
  action,
}: {
  apiId: string;
  templates: Array<{ id: string; name: string; latestVersion: number }>;
  action: FormAction<null>;
}) {
  return (
    <ChoiceForm
      name="Follow a profile template"
      hidden={{ apiId }}
      select={{
        id: `follow-${apiId}-template`,
        name: "templateId",
        label: "Follow profile template",
        hint: "Its current version replaces this API's profile (a new version: nothing changes in APIM until you plan and apply); each new version of the template comes as a change set.",
        options: templates.map((template) => ({
          value: template.id,
          label: `${template.name} (v${template.latestVersion})`,
        })),
      }}
      submit={{ label: "Follow template", busyText: "Saving the template's profile…" }}
      errorTitle="The API does not follow the template"
      action={action}
    />
  );
}
