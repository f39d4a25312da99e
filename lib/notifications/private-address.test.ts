import { describe, expect, it } from "vitest";
import { privateAddressReason } from "./private-address";

describe("private addresses a webhook may not reach", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "fc00::abcd",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.1.2.3",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:c0a8:0101::1",
    "fe80::1%eth0",
  ])("refuses %s", (address) => {
    expect(privateAddressReason(address)).not.toBeNull();
  });

  it.each(["20.50.2.1", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])(
    "lets %s through",
    (address) => {
      expect(privateAddressReason(address)).toBeNull();
    },
  );

  it("refuses what is not an address", () => {
    expect(privateAddressReason("example.com")).toBe("is not an IP address");
  });
});
