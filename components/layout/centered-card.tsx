import type { ReactNode } from "react";
import { Section } from "@/components/ui/section";

/** The frame of the pages a person sees outside the console: sign-in, no role, forbidden. */
export function CenteredCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="mx-auto flex max-w-lg flex-col gap-4 px-4 py-16">
      <p className="text-sm font-semibold uppercase tracking-wide text-slate-500">Portcullis</p>
      <Section card padding="roomy">
        <h1 className="mb-4 text-2xl font-semibold">{title}</h1>
        {children}
      </Section>
    </main>
  );
}
