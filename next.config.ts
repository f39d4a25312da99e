import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // These packages load WebAssembly, native or dynamic files relative to their own
  // location; bundling them breaks that, so the server requires them from node_modules.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "oidc-provider",
    "@azure/msal-node",
    "@azure/identity",
    "@azure/arm-apimanagement",
  ],
  poweredByHeader: false,
  // Every page is dynamic, and Next.js streams a dynamic page's metadata after its first HTML
  // unless the user agent matches this pattern: matching every one puts each page's <title> in
  // the <head> it sends first, so a screen reader (or an accessibility check) never meets a page
  // without its title (test/next/page-metadata.test.ts, e2e/api/page-titles.spec.ts).
  htmlLimitedBots: /.*/,
  // Everything else gets its security headers from proxy.ts (lib/http/security-headers.ts);
  // the proxy does not run for static files, so these get theirs here.
  async headers() {
    return [
      {
        source: "/_next/static/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
  // The whole repository (tests, sandbox, scripts included) is type-checked as its own step
  // of `npm test`; checking again inside every build would only slow `npm start` down.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  // Next.js 16.4's optimistic routing renders a page reached through a form's redirect first
  // with an empty head and adds its <title> a render later (client/components/render-tree.js:
  // the head's cached value becomes "" whenever it is partial), so for a moment the document has
  // no title at all: the "document-title" failure of the accessibility check on the plan page.
  // Without it the new page and its title are committed together (e2e/ui/page-titles.spec.ts).
  experimental: { optimisticRouting: false },
};

export default nextConfig;
