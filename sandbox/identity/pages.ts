/**
 * The few HTML pages the sandbox identity provider shows a person: sign-in, sign-out
 * confirmation, signed-out and error. Plain, self-contained (no scripts, fonts or other
 * external assets) and accessible: one h1 per page, labelled fields, visible focus, errors
 * in an alert region tied to the field they concern.
 */

/** Served with every page: nothing may load from elsewhere, nothing may frame the page. */
export const PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f3f4f6; color: #111827; }
  main { max-width: 26rem; margin: 4rem auto; padding: 2rem; background: #fff; border: 1px solid #d1d5db; border-radius: 0.5rem; }
  h1 { font-size: 1.5rem; margin: 0 0 0.5rem; }
  .badge { display: inline-block; margin-bottom: 1rem; padding: 0.25rem 0.5rem; border-radius: 0.25rem; background: #fef3c7; color: #78350f; font-size: 0.875rem; }
  .field { margin: 1rem 0; }
  label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
  input { box-sizing: border-box; width: 100%; padding: 0.5rem; font-size: 1rem; border: 1px solid #6b7280; border-radius: 0.25rem; }
  input[aria-invalid="true"] { border-color: #b91c1c; }
  .hint { margin: 0.25rem 0 0; color: #4b5563; font-size: 0.875rem; }
  .error { margin: 1rem 0; padding: 0.75rem; border-left: 4px solid #b91c1c; background: #fef2f2; color: #7f1d1d; }
  .actions { display: flex; gap: 0.5rem; margin-top: 1.5rem; }
  button { padding: 0.5rem 1rem; font-size: 1rem; border-radius: 0.25rem; border: 1px solid #1e3a8a; background: #1e40af; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #1e3a8a; }
  :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Portcullis sandbox sign-in</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="badge">Sandbox identity provider – local only, not Microsoft Entra ID</p>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageInput {
  /** Where the form posts: the interaction URL itself. */
  action: string;
  /** Shown back in the field after a failed attempt, or the request's login_hint. */
  username: string;
  error?: string;
}

export function loginPage({ action, username, error }: LoginPageInput): string {
  const invalid = error ? ' aria-invalid="true"' : "";
  const describedBy = error ? " signin-error" : "";
  // After an error the username is kept, so focus lands where the correction is typed.
  const focusUsername = !error || username === "" ? " autofocus" : "";
  const focusPassword = focusUsername ? "" : " autofocus";
  return page(
    "Sign in",
    `<h1>Sign in to Portcullis</h1>
${error ? `<div class="error" role="alert" id="signin-error"><p>${escapeHtml(error)}</p></div>` : ""}
<form method="post" action="${escapeHtml(action)}">
  <div class="field">
    <label for="username">Username</label>
    <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(username)}"${invalid}${focusUsername} aria-describedby="username-hint${describedBy}">
    <p class="hint" id="username-hint">admin, admin2, reviewer, reader or norole. Their passwords are listed in the sandbox.json file written at start.</p>
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${focusPassword}${error ? ' aria-describedby="signin-error"' : ""}>
  </div>
  <div class="actions">
    <button type="submit" name="action" value="sign-in">Sign in</button>
    <button type="submit" name="action" value="cancel" class="secondary" formnovalidate>Cancel</button>
  </div>
</form>`,
  );
}

/** oidc-provider's `logoutSource`: `form` is its own hidden form carrying the CSRF token. */
export function logoutPage(form: string): string {
  return page(
    "Sign out",
    `<h1>Sign out of the sandbox?</h1>
<p>You will need to sign in again to use Portcullis.</p>
${form}
<div class="actions">
  <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
  <button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
</div>`,
  );
}

export function signedOutPage(): string {
  return page("Signed out", `<h1>You are signed out</h1>\n<p>You can close this page.</p>`);
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(message)}</p>`);
}
