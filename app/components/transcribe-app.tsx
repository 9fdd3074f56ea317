"use client";

import { useCallback, useId, useRef, useState, type ChangeEvent, type DragEvent } from "react";
import type { ClientConfig } from "@/lib/app-config";
import { WHISPER_LANGUAGES, languageName } from "@/lib/languages";
import { describeAttempt } from "@/lib/model/catalog";
import { createLogger } from "@/lib/logger";
import { keepAudio, saveTranscript } from "@/lib/history/transcript-history";
import { ownMessageOr } from "@/lib/transcription/failure-message";
import { useTranscription, type Phase, type RunOutcome } from "../hooks/use-transcription";
import { HistoryPanel } from "./history-panel";
import { keepAudioChosen } from "./keep-audio-setting";
import { RecorderPanel } from "./recorder-panel";
import { TelegramShell } from "./telegram-shell";
import { TelegramMainButton } from "./telegram-main-button";
import { TelegramPanel } from "./telegram-panel";
import { TranscriptView } from "./transcript-view";
import { EditableTranscript } from "./editable-transcript";
import { RerunLanguage } from "./rerun-language";
import { describeLanguageChoice, preferredLanguages, type PreferredLanguage } from "@/lib/transcription/language-choice";
import { currentLaunchParams } from "@/lib/telegram/launch-params";
import { ModelInfo } from "./model-info";
import { ModelSettings } from "./model-settings";
import { OfflineSupport } from "./offline-support";
import { createTranscriptRecord, type TranscriptRecord } from "@/lib/history/record";
import { startLiveRecording, type LiveRecordingSink } from "@/lib/transcription/live-recording";

const log = createLogger("app");

const ACCEPT = "audio/*,video/*,.ogg,.oga,.opus,.m4a,.mp3,.wav,.webm,.mp4,.mov,.flac";

function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

function statusText(phase: Phase): string {
  switch (phase.kind) {
    case "idle":
      return "Choose or drop an audio or video file to transcribe it on this device.";
    case "decoding":
      return `Reading “${phase.fileName}”…`;
    case "loading":
      return phase.total > 0
        ? `Downloading model: ${phase.file} ${formatBytes(phase.loaded)} of ${formatBytes(phase.total)}`
        : `Loading model: ${phase.file}…`;
    case "transcribing":
      if (phase.live === "recording") return `Recording: the text appears after each pause (${phase.window === 0 ? "listening" : `${phase.window} ${phase.window === 1 ? "part" : "parts"}`}).`;
      if (phase.live === "finishing") return "Transcribing the end of the recording…";
      return phase.windows > 1 ? `Transcribing part ${phase.window} of ${phase.windows}…` : "Transcribing…";
    case "done":
      return phase.result.text === ""
        ? `No speech found in “${phase.fileName}”: ${phase.silentWindows === phase.windows ? "it is silent or too quiet, so nothing was sent to the model" : "the model heard nothing it could write down"}.`
        : `Done: ${phase.result.duration.toFixed(1)} s of audio in ${(phase.result.elapsedMs / 1000).toFixed(1)} s${
            // The sentence about the choice names the language itself; short enough for the room kept for the status.
            phase.languageChoice === undefined ? ` (${languageName(phase.result.language)}).` : `. Language: ${describeLanguageChoice(phase.languageChoice)}`
          }`;
    case "cancelled":
      return "Cancelled. The text so far is kept below.";
    case "error":
      return phase.message;
  }
}

function progressValue(phase: Phase): number | undefined {
  if (phase.kind === "loading" && phase.total > 0) return phase.loaded / phase.total;
  if (phase.kind === "transcribing" && phase.windows > 0 && phase.live === undefined) return (phase.window - 1) / phase.windows;
  return undefined;
}

function transcriptText(phase: Phase): string {
  switch (phase.kind) {
    case "done":
      return phase.result.text;
    case "transcribing":
    case "cancelled":
      return phase.partialText;
    case "idle":
    case "decoding":
    case "loading":
    case "error":
      return "";
  }
}

/** The user's own languages as this page knows them: the Telegram Mini App user's, then the browser's. */
function pageLanguages(): PreferredLanguage[] {
  if (typeof navigator === "undefined") return [];
  return preferredLanguages({ telegram: currentLaunchParams()?.user?.language_code ?? null, browser: navigator.languages });
}

/** The transcription screen: pick or drop a file, watch progress, read and copy the transcript. */
export function TranscribeApp({ config }: { readonly config: ClientConfig }) {
  const { phase, plan, profile, active, notice, settings, language, memoryBytes, session } = useTranscription(config);
  const [viewing, setViewing] = useState<TranscriptRecord | null>(null);
  // The record of the run just finished, so corrections to it update the same history entry.
  const [current, setCurrent] = useState<TranscriptRecord | null>(null);
  const [task, setTask] = useState<"transcribe" | "translate">("transcribe");
  const [dragging, setDragging] = useState(false);
  const [lastFile, setLastFile] = useState<File | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const pickFile = useCallback(() => fileInput.current?.click(), []);
  // What was just transcribed, for the player beside the text (the history keeps it only if the user asks).
  const [audio, setAudio] = useState<Blob | null>(null);
  // Why the keep-audio setting could not keep the audio of the run just finished (no room, say).
  const [keepError, setKeepError] = useState<{ readonly id: string; readonly message: string } | null>(null);
  const [lastRecording, setLastRecording] = useState<{ readonly audio: Blob; readonly name: string } | null>(null);
  const languageId = useId();
  const taskId = useId();
  const closeViewing = useCallback(() => setViewing(null), []);
  const busy = phase.kind === "decoding" || phase.kind === "loading" || phase.kind === "transcribing";

  const options = { language: language === "auto" ? null : language, task, preferredLanguages: pageLanguages() };
  const keep = (outcome: RunOutcome, source: "file" | "recording", fileName: string, heard: Blob): void => {
    if (outcome.kind !== "done" || outcome.result.text === "") return;
    const record = createTranscriptRecord({ source, fileName, model: describeAttempt(outcome.attempt), ...outcome.result });
    setCurrent(record);
    setKeepError(null);
    // History is a convenience: a browser without IndexedDB still gets its transcript.
    saveTranscript(record).then(
      () => {
        // The audio only once the transcript is stored, in its own write: a refusal (no room) leaves the transcript kept.
        if (!keepAudioChosen()) return;
        keepAudio(record.id, heard).catch((error: unknown) => {
          log.warn("could not keep the audio with the transcript", error);
          setKeepError({ id: record.id, message: ownMessageOr(error, "The transcript is kept, but its audio could not be.") });
        });
      },
      (error: unknown) => log.warn("could not keep the transcript", error),
    );
  };
  const start = (file: File | undefined, language: string | null = options.language): void => {
    if (file === undefined || busy) return;
    setLastFile(file);
    setLastRecording(null);
    setAudio(file);
    setViewing(null);
    setCurrent(null);
    void session.transcribeFile(file, { ...options, language }).then((outcome) => keep(outcome, "file", file.name, file));
  };
  // A recording is transcribed while it is recorded (lib/transcription/live-recording.ts); stopping finishes the tail.
  const recordingName = useRef("");
  const onRecordStart = (): LiveRecordingSink => {
    recordingName.current = `Recording ${new Date().toLocaleString()}`;
    setLastFile(null);
    setLastRecording(null);
    setAudio(null);
    setViewing(null);
    setCurrent(null);
    return startLiveRecording(session, recordingName.current, options);
  };
  const onRecordStop = ({ audio, outcome }: ReturnType<LiveRecordingSink["stop"]>): void => {
    const name = recordingName.current;
    setLastRecording({ audio, name });
    setAudio(audio);
    void outcome.then((result) => keep(result, "recording", name, audio));
  };
  // One click re-runs what was just transcribed in another language (detection can be wrong on short or accented speech).
  const rerun = (language: string): void => {
    if (lastRecording !== null) {
      const { audio, name } = lastRecording;
      setCurrent(null);
      void session.transcribeFile(new File([audio], name, { type: audio.type }), { ...options, language }).then((outcome) => keep(outcome, "recording", name, audio));
    } else if (lastFile !== null) start(lastFile, language);
  };

  const onPick = (event: ChangeEvent<HTMLInputElement>): void => {
    start(event.target.files?.[0]);
    // Let the same file be picked again (e.g. after an error) and still fire "change".
    event.target.value = "";
  };
  const onDrop = (event: DragEvent<HTMLElement>): void => {
    event.preventDefault();
    setDragging(false);
    start(event.dataTransfer.files[0]);
  };
  const text = transcriptText(phase);
  const finished = phase.kind === "done" ? phase.result : null;
  const progress = progressValue(phase);

  return (
    <main className="app">
      <header className="app-header">
        <h1>Voice to text</h1>
        <p className="tagline">Private transcription: the audio never leaves this device.</p>
      </header>

      <section
        className={`drop-zone${dragging ? " dragging" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        aria-label="Audio file"
      >
        <label className="file-label">
          <span className="button primary">Choose a file</span>
          <input ref={fileInput} data-testid="file-input" type="file" accept={ACCEPT} onChange={onPick} disabled={busy} className="visually-hidden" />
        </label>
        <p className="hint">or drop a voice note, MP3, M4A, WAV, Ogg, WebM or MP4 here</p>
        <RecorderPanel onStart={onRecordStart} onStopped={onRecordStop} disabled={busy} />
      </section>

      <section className="options" aria-label="Options">
        <label htmlFor={languageId}>Language</label>
        <select id={languageId} value={language} onChange={(event) => session.setLanguage(event.target.value)} disabled={busy}>
          <option value="auto">Detect automatically</option>
          {Object.entries(WHISPER_LANGUAGES).map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
        <label htmlFor={taskId}>Output</label>
        <select id={taskId} value={task} onChange={(event) => setTask(event.target.value === "translate" ? "translate" : "transcribe")} disabled={busy}>
          <option value="transcribe">Text in the spoken language</option>
          <option value="translate">English translation</option>
        </select>
      </section>

      <section className="progress" aria-label="Progress">
        <p data-testid="status" role="status" aria-live="polite" className={phase.kind === "error" ? "status error" : "status"}>
          {statusText(phase)}
        </p>
        {phase.kind === "error" && phase.details !== undefined && (
          <details className="error-details" data-testid="error-details">
            <summary>Details</summary>
            <pre>{phase.details}</pre>
          </details>
        )}
        {/* One row of fixed height for what the phase offers (progress and Cancel, Try again, run again in
            another language), so nothing below it moves while a run starts, streams and ends. While a
            recording is transcribed live, the recorder's own Discard stands for Cancel. */}
        <div className="run-row actions">
          {busy && <progress max={1} value={progress} aria-label="Progress" />}
          {busy && !(phase.kind === "transcribing" && phase.live === "recording") && (
            <button type="button" className="button" onClick={() => session.cancel()} disabled={phase.kind !== "transcribing"}>
              Cancel
            </button>
          )}
          {phase.kind === "error" && lastFile !== null && (
            <button type="button" className="button" onClick={() => start(lastFile)}>
              Try again
            </button>
          )}
          {phase.kind === "done" && viewing === null && (lastFile !== null || lastRecording !== null) && <RerunLanguage used={phase.result.language} onRerun={rerun} />}
        </div>
        {notice !== null && (
          <p className="notice" data-testid="notice">
            {notice}
          </p>
        )}
        <ModelInfo plan={plan} profile={profile} active={active} memoryBytes={memoryBytes} />
        <ModelSettings settings={settings} installed={config.installed} onChange={(next) => session.updateSettings(next)} onResetLearned={() => session.resetLearned()} disabled={busy} />
      </section>

      {viewing !== null ? (
        <EditableTranscript key={viewing.id} record={viewing} title={viewing.title} baseName={viewing.title} onBack={() => setViewing(null)} />
      ) : current !== null && phase.kind === "done" ? (
        <EditableTranscript key={current.id} record={current} title="Transcript" baseName={phase.fileName} audio={audio} keepError={keepError?.id === current.id ? keepError.message : null} />
      ) : (
        <TranscriptView title="Transcript" result={finished} partialText={text} baseName={phase.kind === "done" ? phase.fileName : "transcript"} />
      )}

      <HistoryPanel onOpen={setViewing} />
      <TelegramShell onBack={viewing === null ? null : closeViewing} />
      <TelegramMainButton phase={phase.kind} busy={busy} onCancel={() => session.cancel()} onRetry={lastFile === null ? null : () => start(lastFile)} onPick={pickFile} />

      {/* Telegram: link this page to the bot; its voice messages are transcribed here (telegram-panel.tsx). */}
      <TelegramPanel config={config} transcriber={session} busy={busy} />

      {/* Offline use (service worker, update prompt, stored models) and files shared with the installed app. */}
      <OfflineSupport attempt={plan?.attempts[0] ?? null} source={config.modelSource} onSharedFile={start} />
    </main>
  );
}
