import pino from "pino";

/**
 * Structured JSON logs on stdout. Secrets must never be passed to the logger; the redaction
 * list is a second line of defence for fields that commonly carry them.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { app: "portcullis" },
  redact: {
    paths: [
      "value",
      "secret",
      "secretValue",
      "password",
      "clientSecret",
      "token",
      "accessToken",
      "authorization",
      "cookie",
      "*.value",
      "*.secret",
      "*.secretValue",
      "*.password",
      "*.clientSecret",
      "*.token",
      "*.authorization",
      "*.cookie",
      "headers.authorization",
      "headers.cookie",
    ],
    censor: "[redacted]",
  },
});
