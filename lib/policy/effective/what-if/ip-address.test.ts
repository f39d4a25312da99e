import { describe, expect, it } from "vitest";
import { parseIpAddress } from "./ip-address";

describe("parseIpAddress", () => {
  it("reads IPv4 and IPv6 (with :: and an IPv4 tail) as numbers", () => {
    expect(parseIpAddress("13.66.201.169")).toEqual({ family: 4, value: 0x0d42c9a9n });
    expect(parseIpAddress("::1")).toEqual({ family: 6, value: 1n });
    expect(parseIpAddress("2001:db8::ff00:42:8329")).toEqual({ family: 6, value: 0x20010db8000000000000ff0000428329n });
    expect(parseIpAddress("::ffff:1.2.3.4")).toEqual({ family: 6, value: 0xffff01020304n });
  });

  it.each(["1.2.3", "1.2.3.256", "1.2.3.4.5", "a.b.c.d", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ""])(
    "refuses %j",
    (text) => {
      expect(parseIpAddress(text)).toBeUndefined();
    },
  );
});
