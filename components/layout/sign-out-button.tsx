import { buttonStyles } from "@/components/ui/button-styles";

/** `signOut` is the server action of app/(auth)/actions.ts, passed in by the page (components never import app/). */
export function SignOutButton({ signOut }: { signOut: () => Promise<void> }) {
  return (
    <form action={signOut}>
      <button type="submit" className={buttonStyles.secondary}>
        Sign out
      </button>
    </form>
  );
}
