import { PHASE_PRODUCTION_SERVER } from "next/constants";
import * as nextConfigModule from "next/dist/server/config";
import { shouldServeStreamingMetadata } from "next/dist/server/lib/streaming-metadata";
import { describe, expect, it } from "vitest";

// next/dist/server/config is CommonJS with a default export; tsx and Vitest wrap it once more.
type LoadConfig = (phase: string, dir: string, options: { silent: boolean }) => Promise<{ htmlLimitedBots?: string }>;
const wrapped = nextConfigModule as unknown as { default: LoadConfig | { default: LoadConfig } };
const loadConfig = typeof wrapped.default === "function" ? wrapped.default : wrapped.default.default;

/** User agents of the browsers and screen-reader set-ups people use the console with, and of the browser tests. */
const USER_AGENTS = {
  "Chrome on Windows (NVDA, JAWS)":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Edge on Windows (Narrator)":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Firefox on Linux (Orca)": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Safari on macOS (VoiceOver)":
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Headless Chromium (Playwright)":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
  "A command-line client": "curl/8.11.1",
};

describe("page metadata", () => {
  // Every page is dynamic. Next.js decides per request whether the page's <title> may be streamed
  // after the first HTML (and after a client-side navigation's first payload); the browser test
  // e2e/api/page-titles.spec.ts reads the HTML, this one asks Next.js for the decision itself, which
  // does not depend on how fast the server happens to be.
  it("is never streamed after the first HTML, whatever the user agent", async () => {
    const config = await loadConfig(PHASE_PRODUCTION_SERVER, process.cwd(), { silent: true });
    for (const [who, userAgent] of Object.entries(USER_AGENTS)) {
      expect(shouldServeStreamingMetadata(userAgent, config.htmlLimitedBots), who).toBe(false);
    }
  });
});
