"use client";

import { useId, useState, type FormEvent } from "react";
import type { ClientConfig } from "@/lib/app-config";
import { entryStateName, entryStatusText, jobTitle, retryAction, type InboxEntry } from "@/lib/telegram/inbox";
import { useRelay } from "../hooks/use-relay";
import styles from "./telegram-panel.module.css";
import type { JobTranscriber } from "@/lib/telegram/job-run";
import type { LinkState } from "@/lib/telegram/jobs-snapshot";
import { describeUser, UNAVAILABLE_TEXT } from "@/lib/telegram/relay-link";
import { describeJobLanguage } from "@/lib/telegram/job-languages";
import type { LanguageChoice } from "@/lib/transcription/language-choice";

function linkText(link: LinkState, inTelegram: boolean, connected: boolean): string {
  switch (link.kind) {
    case "idle":
      return (
        link.notice ??
        (inTelegram
          ? "Not linked to Telegram."
          : "Not linked. To transcribe your Telegram voice messages in this browser, send /link to the bot and enter the code here.")
      );
    case "checking":
      return "Checking the Telegram relay…";
    case "linking":
      return "Linking with Telegram…";
    case "linked":
      return `Linked to Telegram as ${describeUser(link.user)}.${connected ? "" : " Connecting…"}`;
    case "unlinking":
      return "Unlinking…";
    case "unavailable":
      return UNAVAILABLE_TEXT[link.reason];
    case "failed":
      return link.message;
  }
}

function JobItem({
  entry,
  canTake,
  onTake,
  onRetry,
}: {
  readonly entry: InboxEntry;
  readonly canTake: boolean;
  readonly onTake: (id: string) => void;
  readonly onRetry: (id: string) => void;
}) {
  const local = entry.local;
  const retry = retryAction(entry);
  const failed = (local.kind === "released" && local.reason === "failed") || local.kind === "failed" || entry.job.state === "failed" || entry.deliveryFailed === true;
  return (
    <li className={styles.job} data-testid="telegram-job" data-job-id={entry.job.id} data-state={entryStateName(entry)}>
      <div className={styles.jobHead}>
        <span className={styles.jobTitle}>{jobTitle(entry.job)}</span>
        {entry.job.state === "pending" && local.kind === "none" && (
          <button type="button" className="button small" disabled={!canTake} onClick={() => onTake(entry.job.id)}>
            Transcribe
          </button>
        )}
        {retry !== null && (
          <button type="button" className="button small" data-testid="telegram-job-retry" disabled={retry === "take" && !canTake} onClick={() => onRetry(entry.job.id)}>
            Retry
          </button>
        )}
      </div>
      <p className={failed ? `${styles.jobStatus} ${styles.error}` : styles.jobStatus}>{entryStatusText(entry)}</p>
      {local.kind === "sent" && local.text.trim() !== "" && (
        <p className={styles.jobText} data-testid="telegram-job-text">
          {local.text}
        </p>
      )}
      {local.kind === "sent" && <JobLanguage job={entry.job} choice={local.languageChoice} />}
    </li>
  );
}

/** Which language a job sent from here was transcribed in, and why. */
function JobLanguage({ job, choice }: { readonly job: InboxEntry["job"]; readonly choice: LanguageChoice | undefined }) {
  const sentence = describeJobLanguage(job, choice);
  if (sentence === null) return null;
  return (
    <p className={styles.jobStatus} data-testid="telegram-job-language">
      Language: {sentence}
    </p>
  );
}

/**
 * The Telegram panel: whether this page is linked to the bot and as whom, the code form outside
 * Telegram, the automatic switch, and the inbox of voice messages with each one's state. Telegram
 * jobs run through the page's own transcription, so their progress and text also show in the main
 * status line and transcript.
 */
export function TelegramPanel({
  config,
  transcriber,
  busy,
}: {
  readonly config: ClientConfig;
  /** The page's transcription session; Telegram jobs run through it. */
  readonly transcriber: JobTranscriber;
  /** The page is transcribing (a file of the user's or a Telegram job). */
  readonly busy: boolean;
}) {
  const { state, linkWithCode, linkWithTelegram, checkRelay, unlink, setAuto, takeJob, retryJob } = useRelay(config, transcriber);
  const [code, setCode] = useState("");
  const codeId = useId();
  const autoId = useId();
  const { link, inTelegram, inbox, connected, auto, currentJobId, relay } = state;
  const linked = link.kind === "linked";
  const pending = link.kind === "checking" || link.kind === "linking" || link.kind === "unlinking";

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    linkWithCode(code);
  };

  // Nothing to show until the page knows where it runs (the server renders none of it).
  if (!state.started) return null;

  const entries = [...inbox.entries].reverse();
  const status = (
    <p
      className={link.kind === "failed" ? `${styles.status} ${styles.error}` : styles.status}
      data-testid="telegram-link"
      data-state={link.kind}
      role="status"
      aria-live="polite"
    >
      {linkText(link, inTelegram, connected)}
    </p>
  );

  if (!linked && !inTelegram) {
    return (
      <details
        className={styles.panel}
        data-testid="telegram-panel"
        onToggle={(event) => {
          if (event.currentTarget.open && relay === "unknown") checkRelay();
        }}
      >
        <summary className={styles.summary}>Telegram</summary>
        {status}
        {link.kind !== "unavailable" && (
          <form className={styles.codeForm} onSubmit={submit}>
            <label htmlFor={codeId}>Code from /link</label>
            <input
              id={codeId}
              data-testid="link-code"
              value={code}
              onChange={(event) => setCode(event.target.value)}
              autoComplete="one-time-code"
              autoCapitalize="characters"
              spellCheck={false}
              disabled={pending}
            />
            <button type="submit" className="button small" disabled={pending || code.trim() === ""}>
              Link
            </button>
          </form>
        )}
        {link.kind === "unavailable" && (
          <button type="button" className="button small" onClick={checkRelay}>
            Check again
          </button>
        )}
      </details>
    );
  }

  return (
    <section className={styles.panel} aria-label="Telegram" data-testid="telegram-panel">
      <div className={styles.head}>
        <h2>Telegram</h2>
        {linked && (
          <button type="button" className="button small" onClick={unlink} disabled={currentJobId !== null}>
            Unlink
          </button>
        )}
        {!linked && inTelegram && (link.kind === "idle" || link.kind === "failed" || link.kind === "unavailable") && (
          <button type="button" className="button small" onClick={linkWithTelegram}>
            {link.kind === "idle" ? "Link" : "Try again"}
          </button>
        )}
      </div>
      {status}
      {linked && (
        <>
          <label className={styles.auto} htmlFor={autoId}>
            <input id={autoId} type="checkbox" data-testid="telegram-auto" checked={auto} onChange={(event) => setAuto(event.target.checked)} />
            Transcribe Telegram messages automatically while this page is open
          </label>
          {entries.length === 0 ? (
            <p className={styles.empty}>No voice messages waiting. Send one to the bot and it appears here.</p>
          ) : (
            <ul className={styles.inbox} data-testid="telegram-inbox" aria-label="Telegram messages">
              {entries.map((entry) => (
                <JobItem key={entry.job.id} entry={entry} canTake={!busy && currentJobId === null} onTake={takeJob} onRetry={retryJob} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
