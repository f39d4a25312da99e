import { z } from "zod";

/**
 * Runs in the browser before the console's own code (Next.js instrumentation-client). zod
 * compiles object parsers with `new Function` when it may, and finds out by trying: under the
 * console's Content-Security-Policy (no 'unsafe-eval') that try is refused and reported as a
 * violation. jitless skips the try and the compiling; parsing is the same.
 */
z.config({ jitless: true });
