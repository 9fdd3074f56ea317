import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { clientAddress } from "../../../../relay/http/client-address";

function request(peer: string, forwarded?: string): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, "remoteAddress", { value: peer });
  const req = new IncomingMessage(socket);
  if (forwarded !== undefined) req.headers["x-forwarded-for"] = forwarded;
  return req;
}

describe("clientAddress", () => {
  it("uses the peer and ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(clientAddress(request("::ffff:10.0.0.5", "1.2.3.4"), { kind: "none" })).toBe("10.0.0.5");
  });

  it("with a number of hops, takes the entry that many proxies back, whatever a client prepended", () => {
    expect(clientAddress(request("10.0.0.1", "6.6.6.6, 203.0.113.9"), { kind: "hops", hops: 1 })).toBe("203.0.113.9");
    expect(clientAddress(request("10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2"), { kind: "hops", hops: 2 })).toBe("203.0.113.9");
    // Fewer entries than hops: the leftmost there is.
    expect(clientAddress(request("10.0.0.1"), { kind: "hops", hops: 1 })).toBe("10.0.0.1");
  });

  it("with a list of proxies, takes the first address from the right that is not one of them", () => {
    const trust = { kind: "addresses", addresses: ["10.0.0.1", "10.0.0.2"] } as const;
    expect(clientAddress(request("10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2"), trust)).toBe("203.0.113.9");
    // A peer that is not a trusted proxy is the client, whatever it claims.
    expect(clientAddress(request("198.51.100.7", "1.2.3.4"), trust)).toBe("198.51.100.7");
  });
});
