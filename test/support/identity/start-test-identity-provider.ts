import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { resolveEntraConfig, type EntraConfig } from "../../../lib/auth/entra-config";
import { ensureSandboxTls } from "../../../sandbox/tls/ensure-sandbox-tls";
import {
  startSandboxIdentityProvider,
  type SandboxIdentityProvider,
} from "../../../sandbox/identity/start-sandbox-identity-provider";

export const TEST_API_AUDIENCE = "api://portcullis-sandbox";
export const TEST_REDIRECT_URI = "http://localhost:3000/auth/callback";
export const TEST_POST_LOGOUT_URI = "http://localhost:3000/signed-out";
export const TEST_ROLE_NAMES = {
  admin: "Portcullis.Admin",
  reviewer: "Portcullis.Reviewer",
  reader: "Portcullis.Reader",
};

export interface TestIdentityProvider {
  idp: SandboxIdentityProvider;
  /** The app's configuration against this provider, exactly as it would be in sandbox mode. */
  config: EntraConfig;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A sandbox identity provider on a free port with its own throw-away data directory, for
 * integration tests. `tlsDir` is the test CA the worker trusts (`inject("sandboxTlsDir")`).
 */
export async function startTestIdentityProvider(tlsDir: string): Promise<TestIdentityProvider> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-idp-"));
  const idp = await startSandboxIdentityProvider({
    dataDir,
    port: 0,
    tls: await ensureSandboxTls(tlsDir),
    appRedirectUris: [TEST_REDIRECT_URI],
    postLogoutRedirectUris: [TEST_POST_LOGOUT_URI],
    apiAudience: TEST_API_AUDIENCE,
    roleNames: TEST_ROLE_NAMES,
  });
  const config = resolveEntraConfig({
    tenantId: idp.tenantId,
    clientId: idp.webClient.clientId,
    clientSecret: idp.webClient.clientSecret,
    authorityHost: idp.authorityHost,
    apiAudience: TEST_API_AUDIENCE,
  });
  return {
    idp,
    config,
    dataDir,
    close: async () => {
      await idp.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
