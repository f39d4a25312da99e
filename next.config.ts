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
  typedRoutes: false,
};

export default nextConfig;
