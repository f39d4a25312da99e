import { signOutAction } from "@/app/(auth)/actions";
import { buttonStyles } from "@/components/ui/button-styles";

export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <button type="submit" className={buttonStyles.secondary}>
        Sign out
      </button>
    </form>
  );
}
