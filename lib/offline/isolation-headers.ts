/**
 * The response headers that make the page cross-origin isolated (COOP + COEP), which ONNX
 * Runtime's WASM backend needs for threads (SharedArrayBuffer). next.config.ts sends them on every
 * response; the service worker makes sure a page it serves from its cache carries them too, so the
 * page stays isolated offline.
 */

/** Header name and value pairs, in the shape next.config.ts `headers()` takes. */
export const ISOLATION_HEADERS: readonly { readonly key: string; readonly value: string }[] = [
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
];

/** True when `headers` already carry every isolation header with the expected value. */
export function hasIsolationHeaders(headers: Headers): boolean {
  return ISOLATION_HEADERS.every(({ key, value }) => headers.get(key) === value);
}

/** `response` itself when it is isolated already, else a copy with the isolation headers added. */
export function withIsolationHeaders(response: Response): Response {
  if (hasIsolationHeaders(response.headers)) return response;
  const headers = new Headers(response.headers);
  for (const { key, value } of ISOLATION_HEADERS) headers.set(key, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
