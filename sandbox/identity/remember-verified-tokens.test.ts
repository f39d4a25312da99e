import { SignJWT, generateKeyPair, jwtVerify, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { rememberVerifiedTokens } from "./remember-verified-tokens";

const AUDIENCE = "https://management.azure.com/";
const START = Date.parse("2026-12-06T04:00:00Z");

let keys: { privateKey: CryptoKey; publicKey: CryptoKey };
beforeAll(async () => {
  keys = await generateKeyPair("RS256");
});

/** A verifier over a clock the test moves, counting the signature checks it makes. */
function verifierAt(clock: { ms: number }) {
  const verified: string[] = [];
  const verify = rememberVerifiedTokens(
    async (token) => {
      verified.push(token);
      const { payload } = await jwtVerify(token, keys.publicKey, {
        audience: AUDIENCE,
        currentDate: new Date(clock.ms),
      });
      return payload;
    },
    () => clock.ms,
  );
  return { verify, verified };
}

function token({ audience = AUDIENCE, expiresAt }: { audience?: string; expiresAt?: number }): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: "RS256" }).setAudience(audience);
  if (expiresAt !== undefined) jwt.setExpirationTime(Math.floor(expiresAt / 1000));
  return jwt.sign(keys.privateKey);
}

describe("rememberVerifiedTokens", () => {
  it("checks a token's signature once while it is valid, and again (refusing it as expired) from its exp on", async () => {
    const clock = { ms: START };
    const { verify, verified } = verifierAt(clock);
    const hour = await token({ expiresAt: START + 3600_000 });

    await verify(hour);
    clock.ms += 3599_000;
    await verify(hour);
    expect(verified).toHaveLength(1);

    clock.ms += 1000; // now = exp: jose's expiry
    await expect(verify(hour)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    await expect(verify(hour)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    expect(verified).toHaveLength(3);
  });

  it("never remembers a refused token, nor one without exp", async () => {
    const clock = { ms: START };
    const { verify, verified } = verifierAt(clock);
    const otherAudience = await token({ audience: "api://someone-else", expiresAt: START + 3600_000 });
    const endless = await token({});

    await expect(verify(otherAudience)).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
      claim: "aud",
    });
    await expect(verify(otherAudience)).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
      claim: "aud",
    });
    await verify(endless);
    await verify(endless);
    expect(verified).toEqual([otherAudience, otherAudience, endless, endless]);
  });

  it("remembers each token on its own: another token is checked, and forging one's signature is still refused", async () => {
    const clock = { ms: START };
    const { verify, verified } = verifierAt(clock);
    const first = await token({ expiresAt: START + 3600_000 });
    const second = await token({ expiresAt: START + 1800_000 });
    await verify(first);
    await verify(second);
    const [header, payload] = first.split(".");
    await expect(verify(`${header}.${payload}.${"A".repeat(342)}`)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
    await verify(first);
    await verify(second);
    expect(verified).toHaveLength(3);
  });
});
