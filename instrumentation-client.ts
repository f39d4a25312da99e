import { config } from "zod/v4/core";

/**
 * Runs in the browser before the console's own code (Next.js instrumentation-client). zod
 * compiles object parsers with `new Function` when it may, and finds out by trying: under the
 * console's Content-Security-Policy (no 'unsafe-eval') that try is refused and reported as a
 * violation. jitless skips the try and the compiling; parsing is the same.
 *
 * Only zod's core `config` is imported (the setting lives on globalThis, shared with `z`): this
 * file is in every page's first load, and `import { z } from "zod"` shipped all of zod to
 * every page (28 kB gzip) although no client component parses with it.
 */
config({ jitless: true });
