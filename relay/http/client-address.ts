/**
 * The client's address for per-address limits. Behind a load balancer every peer is the balancer,
 * so with `RELAY_TRUST_PROXY` the relay reads `X-Forwarded-For` — but only the entries its own
 * proxies added: a client can put anything at the start of that header.
 */
import type { IncomingMessage } from "node:http";
import type { TrustProxy } from "../config-security";

/** `::ffff:10.0.0.1` → `10.0.0.1`, so IPv4 peers compare as configured. */
function plain(address: string): string {
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

/** Use for every limit keyed by address: the peer, or the client as trusted proxies report it. */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const peer = plain(req.socket.remoteAddress ?? "unknown");
  if (trust.kind === "none") return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((part) => plain(part.trim()))
    .filter((part) => part.length > 0);
  // Right to left: the peer, then each address a proxy appended.
  const chain = [...forwarded, peer];
  if (trust.kind === "hops") return chain[Math.max(0, chain.length - 1 - trust.hops)] ?? peer;
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const address = chain[index];
    if (address !== undefined && !trust.addresses.includes(address)) return address;
  }
  return chain[0] ?? peer;
}
