/**
 * The language a Telegram job is transcribed in, on the device that runs it. The chat's `/lang`
 * (the job's `languageHint`) forces the language, as it always did; without it Whisper detects,
 * and when detection is unsure the owner's own languages are preferred, most specific first: their
 * Telegram `language_code` as the relay kept it with the job (else as this page knows the linked
 * user), then the browser's `navigator.languages`. Pure; `runJob` (job-run.ts) uses it.
 */
import { languageName } from "../languages";
import type { JobSummary } from "../relay/protocol";
import { describeLanguageChoice, preferredLanguages, type LanguageChoice, type PreferredLanguage } from "../transcription/language-choice";

/** What this page knows of the user's languages, besides the job. */
export interface PageLanguages {
  /** The linked Telegram user's `language_code` (from linking or the Mini App launch), or null. */
  readonly telegram: string | null;
  /** `navigator.languages`. */
  readonly browser: readonly string[];
}

/** The languages to prefer for `job` when detection is unsure: none when the chat forces one with `/lang`. */
export function jobPreferredLanguages(job: Pick<JobSummary, "languageHint" | "ownerLanguageCode">, page: PageLanguages): PreferredLanguage[] {
  if (job.languageHint !== null) return [];
  return preferredLanguages({ telegram: job.ownerLanguageCode ?? page.telegram, browser: page.browser });
}

/**
 * The sentence the inbox shows beside a job's transcript: which language was used and why (the
 * detection's {@link LanguageChoice}, or the chat's `/lang`); null when neither is known.
 */
export function describeJobLanguage(job: Pick<JobSummary, "languageHint">, choice: LanguageChoice | undefined): string | null {
  if (choice !== undefined) return describeLanguageChoice(choice);
  if (job.languageHint !== null) return `${languageName(job.languageHint)}, set in the chat with /lang.`;
  return null;
}
