import { test as base, type BrowserContext, type Page } from "@playwright/test";

export { expect } from "@playwright/test";
export type { APIRequestContext, Page } from "@playwright/test";

/**
 * Every browser test uses this `test` (ESLint refuses @playwright/test's own in e2e specs): it
 * fails a test on any Content-Security-Policy violation on any page it opened, in the default
 * context and in every context or page the test makes itself (browser.newContext/newPage).
 * Chrome reports a violation as a `securitypolicyviolation` event and as a console error
 * beginning "Refused to …"; both are collected.
 *
 * `cspViolations` is the list, for the one test that proves the collection works: it triggers a
 * violation, checks it was seen and empties the list.
 */
export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ browser, context }, runTest, testInfo) => {
      const violations: string[] = [];
      const watchPage = (page: Page) =>
        page.on("console", (message) => {
          if (/^(Refused to|CSP violation)/.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
        });
      const watch = async (watched: BrowserContext) => {
        await watched.addInitScript(() =>
          document.addEventListener("securitypolicyviolation", (event) =>
            console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`),
          ),
        );
        watched.pages().forEach(watchPage);
        watched.on("page", watchPage);
      };
      await watch(context);
      const newContext = browser.newContext;
      // browser.newPage() makes its context through this too.
      browser.newContext = async (...args) => {
        const made = await newContext.apply(browser, args);
        await watch(made);
        return made;
      };
      try {
        await runTest(violations);
      } finally {
        browser.newContext = newContext;
      }
      if (violations.length > 0 && testInfo.status === testInfo.expectedStatus) {
        throw new Error(`Content-Security-Policy violations:\n${[...new Set(violations)].join("\n")}`);
      }
    },
    { auto: true },
  ],
});
