import type { Metadata } from "next";
import Link from "next/link";
import { VariablesForm } from "@/components/environments/variables-form";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { Section } from "@/components/ui/section";
import { guardPage } from "@/lib/auth/console-guard";
import { getEnvironmentVariables } from "@/lib/environments/get-environment-variables";
import { orNotFound } from "../../lookup";
import { saveVariablesAction } from "./actions";

export const metadata: Metadata = { title: "Environment variables" };

type Props = { params: Promise<{ name: string }> };

export default async function EnvironmentPage({ params }: Props) {
  const ctx = await guardPage("/environments/[name]");
  const { name } = await params;
  const environment = await orNotFound(getEnvironmentVariables(ctx, { environment: decodedName(name) }));
  const names = Object.keys(environment.variables);
  return (
    <div className="space-y-8">
      <Breadcrumb
        trail={[{ href: "/instances", label: "Instances" }]}
        current={`Environment ${environment.environment}`}
      />
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">Variables of {environment.environment}</h1>
        <p className="text-sm text-slate-600">
          A profile written with <code>{"${name}"}</code> takes these values on the instances of this environment:{" "}
          {environment.instances.length === 0 ? "none yet" : environment.instances.join(", ")}.{" "}
          {environment.updatedBy ? `Last changed by ${environment.updatedBy}.` : "No variable is set yet."}
        </p>
      </div>
      <Section id="variables" title="Variables" card>
        {ctx.permissions.has("config.write") ? (
          <VariablesForm
            environment={environment.environment}
            variables={environment.variables}
            action={saveVariablesAction}
          />
        ) : names.length === 0 ? (
          <p className="text-sm text-slate-600">No variable is set.</p>
        ) : (
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
            {names.map((variable) => (
              <div key={variable} className="contents">
                <dt className="font-mono font-semibold">{variable}</dt>
                <dd className="font-mono">{environment.variables[variable]}</dd>
              </div>
            ))}
          </dl>
        )}
      </Section>
      <p className="text-sm">
        <Link href="/instances" className="text-blue-700 underline">
          Back to instances
        </Link>
      </p>
    </div>
  );
}

/** The segment as typed; a malformed escape (`%`) is left as it is, and refused as a name. */
function decodedName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
