"use client";

import { useEffect, useRef, useState } from "react";
import { createLogger } from "@/lib/logger";
import { ownMessageOr } from "@/lib/transcription/failure-message";
import { createRecorder, type Recorder } from "@/lib/audio/recorder";
import { formatClock } from "@/lib/transcript/formats";
import { getSharedMicrophone } from "@/lib/audio/microphone";
import { levelToMeter } from "@/lib/audio/level-meter";
import type { LiveRecordingSink } from "@/lib/transcription/live-recording";

const log = createLogger("recorder");

type RecorderUiState = "idle" | "starting" | "recording" | "paused";

/**
 * Records from the microphone with a level meter and a timer, pause and resume. The 16 kHz audio
 * goes, as it is recorded, into the sink `onStart` returns (the live transcription and the audio
 * kept for the player, lib/transcription/live-recording.ts); `onStopped` gets what stopping it
 * gave. The microphone stream is shared for the page's life (Telegram asks for permission on every
 * getUserMedia call).
 */
export function RecorderPanel({
  onStart,
  onStopped,
  disabled,
}: {
  readonly onStart: () => LiveRecordingSink;
  readonly onStopped: (stopped: ReturnType<LiveRecordingSink["stop"]>) => void;
  readonly disabled: boolean;
}) {
  const [state, setState] = useState<RecorderUiState>("idle");
  const [level, setLevel] = useState(0);
  const [elapsedMs, setElapsedMs] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<Recorder | null>(null);
  const sink = useRef<LiveRecordingSink | null>(null);

  useEffect(
    () => () => {
      recorder.current?.cancel();
      sink.current?.discard();
    },
    [],
  );

  const discard = (): void => {
    recorder.current?.cancel();
    recorder.current = null;
    sink.current?.discard();
    sink.current = null;
  };

  const start = async (): Promise<void> => {
    setError(null);
    setState("starting");
    try {
      const stream = await getSharedMicrophone();
      const target = onStart();
      sink.current = target;
      const next = createRecorder(stream, {
        onAudio: (samples) => target.push(samples),
        onLevel: (rms, elapsed) => {
          setLevel(levelToMeter(rms));
          setElapsedMs(elapsed);
        },
        onInterrupted: (failure) => {
          setError(failure.message);
          // Keep (and finish transcribing) what was recorded before the microphone went away.
          void stop();
        },
      });
      recorder.current = next;
      await next.start();
      setElapsedMs(0);
      setState("recording");
    } catch (failure) {
      log.warn("could not start recording", failure);
      discard();
      setError(ownMessageOr(failure, "The microphone could not be started. Check that this site may use it, then try again."));
      setState("idle");
    }
  };

  const stop = async (): Promise<void> => {
    const current = recorder.current;
    const target = sink.current;
    recorder.current = null;
    sink.current = null;
    setState("idle");
    setLevel(0);
    if (current === null || target === null) return;
    try {
      await current.stop();
      onStopped(target.stop());
    } catch (failure) {
      target.discard();
      log.warn("could not finish the recording", failure);
      setError(ownMessageOr(failure, "The recording could not be finished. Try recording again."));
    }
  };

  return (
    <section className="recorder" aria-label="Record">
      <div className="actions">
        {state === "idle" || state === "starting" ? (
          <button type="button" className="button" data-testid="record" onClick={() => void start()} disabled={disabled || state === "starting"}>
            Record
          </button>
        ) : (
          <>
            {state === "recording" ? (
              <button type="button" className="button" onClick={() => { recorder.current?.pause(); sink.current?.pause(); setState("paused"); }}>
                Pause
              </button>
            ) : (
              <button type="button" className="button" onClick={() => { recorder.current?.resume(); setState("recording"); }}>
                Resume
              </button>
            )}
            <button type="button" className="button primary" data-testid="stop-recording" onClick={() => void stop()}>
              Stop and transcribe
            </button>
            <button type="button" className="button" onClick={() => { discard(); setState("idle"); setLevel(0); }}>
              Discard
            </button>
          </>
        )}
        <time data-testid="record-timer" aria-label="Recording time">
          {formatClock(elapsedMs / 1000)}
        </time>
        <meter min={0} max={1} value={level} aria-label="Input level" className="level" />
        {state === "paused" && <span className="hint">Paused</span>}
      </div>
      {error !== null && (
        <p className="status error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
