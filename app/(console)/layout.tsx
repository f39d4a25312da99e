import type { ReactNode } from "react";
import { signOutAction } from "@/app/(auth)/actions";
import { ConsoleHeader } from "@/components/layout/console-header";

/** Chrome of every console page. Each page still guards itself: layouts do not re-run per navigation. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <ConsoleHeader signOut={signOutAction} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-8">
        {children}
      </main>
    </>
  );
}
