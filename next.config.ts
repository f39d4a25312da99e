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
};

export default nextConfig;
