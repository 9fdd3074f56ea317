import type { Locator, Page } from "@playwright/test";
import { expect } from "./fixtures";

/** The player beside the transcript, and a reader of its element's time, paused flag and duration. */
export function player(page: Page): { readonly segments: Locator; readonly state: () => Promise<{ time: number; paused: boolean; duration: number }> } {
  const audio = page.getByTestId("player-audio");
  return {
    segments: page.getByTestId("segments").locator("li"),
    state: () => audio.evaluate((element: HTMLAudioElement) => ({ time: element.currentTime, paused: element.paused, duration: element.duration })),
  };
}

/** Clicks the last segment's "Play from" button and checks the player went to its start and marks it; returns that segment. */
export async function playFromLastSegment(page: Page): Promise<Locator> {
  const { segments, state } = player(page);
  const last = segments.last();
  const lastStart = await last.evaluate((li) => {
    const [m = "0", s = "0"] = (li.querySelector("time")?.textContent ?? "00:00").split(":");
    return Number(m) * 60 + Number(s);
  });
  await last.getByRole("button", { name: /^Play from/ }).click();
  await expect.poll(async () => Math.floor((await state()).time)).toBe(lastStart);
  await expect(last).toHaveAttribute("aria-current", "true");
  return last;
}
