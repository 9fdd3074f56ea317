// Next.js proxy (the file convention that replaced middleware): gives every page a fresh CSP nonce.
// Next reads the nonce from the request's Content-Security-Policy header and puts it on the
// scripts it renders; the same policy goes out on the response (lib/offline/content-security-policy.ts).
import { NextResponse, type NextRequest } from "next/server";
import { appConfig } from "./lib/app-config";
import { hubHost } from "./lib/model/cache";
import { contentSecurityPolicy, newNonce } from "./lib/offline/content-security-policy";
import { relayBaseUrl } from "./lib/telegram/relay-link";

export function proxy(request: NextRequest): NextResponse {
  const config = appConfig().client;
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    relayOrigin: new URL(relayBaseUrl(config, pageLocation(request))).origin,
    hub: config.modelSource.kind === "hub" ? hubHost(config.modelSource) : null,
    development: process.env.NODE_ENV === "development",
  });
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

/** The page's protocol and host as the browser sees them (Next's nextUrl says "localhost" for 127.0.0.1). */
function pageLocation(request: NextRequest): { protocol: string; hostname: string } {
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? request.nextUrl.host;
  const forwarded = request.headers.get("x-forwarded-proto");
  const protocol = forwarded === "https" || forwarded === "http" ? `${forwarded}:` : request.nextUrl.protocol;
  try {
    return { protocol, hostname: new URL(`${protocol}//${host}`).hostname.replace(/^\[|\]$/g, "") };
  } catch {
    return { protocol, hostname: request.nextUrl.hostname };
  }
}

export const config = {
  // Pages only: static files, ONNX Runtime, models, the service worker and the manifest need none.
  matcher: [{ source: "/((?!_next/|ort/|models/|sw\\.js|manifest\\.webmanifest|favicon\\.ico|icon|share-target).*)" }],
};
