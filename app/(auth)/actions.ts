"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { guardAction } from "@/lib/auth/console-guard";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { identityProviderSignOutUrl } from "@/lib/auth/sign-in";
import { signOut } from "@/lib/auth/sign-out";
import { isAppError } from "@/lib/errors";

/**
 * Signs the user out: our session is revoked, then the browser goes to the identity
 * provider's logout so the next sign-in asks for credentials again. With an already-ended
 * session it just clears the cookie.
 */
export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const sessionCookie = jar.get(SESSION_COOKIE)?.value;
  try {
    const ctx = await guardAction("signed-in", "auth.signout");
    if (sessionCookie) await signOut(ctx, { sessionCookie });
  } catch (error) {
    if (!isAppError(error) || error.code !== "unauthenticated") throw error;
  }
  jar.delete({ name: SESSION_COOKIE, path: "/", secure: true, httpOnly: true, sameSite: "lax" });
  redirect(await identityProviderSignOutUrl());
}
