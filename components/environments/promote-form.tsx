"use client";

import { ChoiceForm } from "@/components/forms/choice-form";
import type { FormAction } from "@/components/forms/form-state";

/**
 * Promote: the API's profile, as written with its variables, to the same API on another
 * instance, resolved with that instance's environment; the action opens the plan made there.
 */
export function PromoteForm({
  apiId,
  targets,
  action,
}: {
  apiId: string;
  targets: Array<{ id: string; name: string; environment: string | null }>;
  action: FormAction<null>;
}) {
  return (
    <ChoiceForm
      name="Promote the access profile"
      hidden={{ apiId }}
      select={{
        id: `promote-${apiId}-target`,
        name: "targetInstanceId",
        label: "Promote to instance",
        hint: "The same API (by ARM name) there gets this profile, with the variables of its environment, and a plan to review.",
        options: targets.map((target) => ({
          value: target.id,
          label: `${target.name} (${target.environment ?? "no environment"})`,
        })),
      }}
      submit={{ label: "Promote", busyText: "Promoting and reading APIM…" }}
      errorTitle="The profile was not promoted"
      action={action}
    />
  );
}
