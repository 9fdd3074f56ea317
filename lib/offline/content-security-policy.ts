/**
 * The Content-Security-Policy of the app's pages. Scripts run only from this origin and only when
 * Next.js loaded them with the page's nonce ('strict-dynamic'); WebAssembly may compile (ONNX
 * Runtime needs 'wasm-unsafe-eval'); the page may talk to its own origin, the relay and, when
 * models come from the Hub, the Hub's hosts (or the mirror's, {@link hubConnectSources}); only
 * Telegram Web may frame it (the Mini App).
 * `proxy.ts` sends it with a fresh nonce per page; the service worker keeps it on cached pages.
 */

/** Hosts transformers.js fetches model files from (the Hub and its CDNs, after redirects). */
export const HUB_CONNECT_SOURCES: readonly string[] = ["https://huggingface.co", "https://*.huggingface.co", "https://*.hf.co"];

/**
 * The connect sources model files need from the Hub at `endpoint`: huggingface.co's own hosts and
 * CDNs, or for a mirror its origin and, for a host name, its subdomains (where mirrors redirect
 * large files, as the Hub does).
 */
export function hubConnectSources(endpoint: string): readonly string[] {
  const url = new URL(endpoint);
  if (url.origin === "https://huggingface.co") return HUB_CONNECT_SOURCES;
  const isAddress = /^[\d.]+$/.test(url.hostname) || url.hostname.startsWith("[");
  return isAddress ? [url.origin] : [url.origin, `${url.protocol}//*.${url.host}`];
}

/** Origins allowed to frame the app: Telegram Web shows Mini Apps in an iframe. */
export const FRAME_ANCESTORS: readonly string[] = ["'self'", "https://web.telegram.org"];

/** What the policy depends on. */
export interface CspOptions {
  /** A fresh random value for this response (base64). */
  readonly nonce: string;
  /** The relay's origin as the browser reaches it, e.g. `http://127.0.0.1:3001`. */
  readonly relayOrigin: string;
  /** The Hub's endpoint (huggingface.co or a mirror) when model files come from it, null when this server serves them. */
  readonly hub: string | null;
  /** `next dev` needs eval for React's debugging; never set in production. */
  readonly development: boolean;
}

/** The policy as one header value. */
export function contentSecurityPolicy(options: CspOptions): string {
  const script = ["'self'", `'nonce-${options.nonce}'`, "'strict-dynamic'", "'wasm-unsafe-eval'", ...(options.development ? ["'unsafe-eval'"] : [])];
  const connect = ["'self'", options.relayOrigin, ...(options.hub === null ? [] : hubConnectSources(options.hub))];
  const directives: readonly (readonly [string, readonly string[]])[] = [
    ["default-src", ["'self'"]],
    ["script-src", script],
    // React sets style attributes, which nonces cannot cover.
    ["style-src", ["'self'", "'unsafe-inline'"]],
    ["img-src", ["'self'", "data:", "blob:"]],
    ["media-src", ["'self'", "blob:", "data:"]],
    ["font-src", ["'self'"]],
    ["connect-src", connect],
    ["worker-src", ["'self'", "blob:"]],
    ["manifest-src", ["'self'"]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'self'"]],
    ["form-action", ["'self'"]],
    ["frame-ancestors", FRAME_ANCESTORS],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(" ")}`).join("; ");
}

/** A nonce for one response: 16 random bytes, base64. Works in the Edge and Node runtimes. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
