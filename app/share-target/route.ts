import { shareRedirectPath } from "@/lib/offline/share-target";

/** A 303/307 to a path on this origin; relative, so it stays right behind a proxy. */
function redirectTo(path: string, status: 303 | 307): Response {
  return new Response(null, { status, headers: { Location: path } });
}

/**
 * The share target as the server sees it: only reached when no service worker caught the POST
 * (it was not installed yet, or the browser runs none). The audio is not read, let alone kept:
 * files are transcribed on the device, never uploaded. The page explains what happened.
 */
export async function POST(request: Request): Promise<Response> {
  await request.body?.cancel();
  return redirectTo(shareRedirectPath({ kind: "unsupported" }), 303);
}

/** Opening the share target's address directly just opens the app. */
export function GET(): Response {
  return redirectTo("/", 307);
}
