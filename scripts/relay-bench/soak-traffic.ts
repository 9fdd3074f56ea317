/**
 * The traffic of scripts/relay-soak.ts besides the jobs themselves: sign-in attempts (valid and
 * forged init data, wrong link codes) and requests the relay must refuse (no token, unknown
 * routes, malformed bodies, jobs that do not exist). Each answers with the status it should, or is
 * counted as unexpected.
 */
import { RELAY_PATHS } from "../../lib/relay/protocol";
import { initDataFor, testUser } from "../../test/support/fake-bot-api";
import { httpJson } from "./http-client";

/** Counts of the side traffic, by kind; `unexpected` lists answers that were not the expected ones. */
export interface SideTraffic {
  links: number;
  forgedLinks: number;
  codeGuesses: number;
  badRequests: number;
  readonly unexpected: string[];
}

export function newSideTraffic(): SideTraffic {
  return { links: 0, forgedLinks: 0, codeGuesses: 0, badRequests: 0, unexpected: [] };
}

async function expectStatus(counts: SideTraffic, what: string, request: Promise<{ status: number }>, ok: (status: number) => boolean): Promise<void> {
  try {
    const { status } = await request;
    if (!ok(status)) counts.unexpected.push(`${what}: ${status}`);
  } catch (error) {
    counts.unexpected.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** One round: a valid sign-in of a fresh user, a forged one, a wrong code and four bad requests. */
export async function sideRound(url: string, botToken: string, token: string, round: number, counts: SideTraffic): Promise<void> {
  const user = testUser(900_000 + round);
  const link = `${url}${RELAY_PATHS.sessionTelegram}`;
  await Promise.all([
    expectStatus(counts, "link", httpJson("POST", link, null, { initData: initDataFor(botToken, user) }), (s) => s === 200).then(() => void (counts.links += 1)),
    expectStatus(counts, "forged link", httpJson("POST", link, null, { initData: initDataFor("1:forged", user) }), (s) => s === 401 || s === 403).then(() => void (counts.forgedLinks += 1)),
    expectStatus(counts, "code guess", httpJson("POST", `${url}${RELAY_PATHS.sessionCode}`, null, { code: "ZZZZ-ZZZZ" }), (s) => s >= 400 && s < 500).then(() => void (counts.codeGuesses += 1)),
  ]);
  const bad: Array<Promise<void>> = [
    expectStatus(counts, "no token", httpJson("GET", `${url}${RELAY_PATHS.jobs}`, null), (s) => s === 401),
    expectStatus(counts, "unknown route", httpJson("GET", `${url}/api/nothing-here`, token), (s) => s === 404),
    expectStatus(counts, "missing job", httpJson("POST", `${url}${RELAY_PATHS.claim("no-such-job")}`, token, {}), (s) => s === 404),
    expectStatus(counts, "malformed result", httpJson("POST", `${url}${RELAY_PATHS.result("no-such-job")}`, token, { lease: 7 }), (s) => s === 400 || s === 404),
  ];
  await Promise.all(bad);
  counts.badRequests += bad.length;
}
