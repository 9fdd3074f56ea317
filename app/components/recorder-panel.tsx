"use client";

import { useEffect, useRef, useState } from "react";
import { createLogger } from "@/lib/logger";
import { ownMessageOr } from "@/lib/transcription/failure-message";
import { createRecorder, type Recorder } from "@/lib/audio/recorder";
import { formatClock } from "@/lib/transcript/formats";
import { getSharedMicrophone } from "@/lib/audio/microphone";
import { levelToMeter } from "@/lib/audio/level-meter";

const log = createLogger("recorder");

type RecorderUiState = "idle" | "starting" | "recording" | "paused";

/**
 * Records from the microphone with a level meter and a timer, pause and resume, then hands the
 * 16 kHz samples over. The microphone stream is shared for the page's life (Telegram asks for
 * permission on every getUserMedia call).
 */
export function RecorderPanel({ onRecorded, disabled }: { readonly onRecorded: (samples: Float32Array) => void; readonly disabled: boolean }) {
  const [state, setState] = useState<RecorderUiState>("idle");
  const [level, setLevel] = useState(0);
  const [elapsedMs, setElapsedMs] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<Recorder | null>(null);

  useEffect(() => () => recorder.current?.cancel(), []);

  const start = async (): Promise<void> => {
    setError(null);
    setState("starting");
    try {
      const stream = await getSharedMicrophone();
      const next = createRecorder(stream, {
        onLevel: (rms, elapsed) => {
          setLevel(levelToMeter(rms));
          setElapsedMs(elapsed);
        },
        onInterrupted: (failure) => {
          setError(failure.message);
          setState("idle");
        },
      });
      recorder.current = next;
      await next.start();
      setElapsedMs(0);
      setState("recording");
    } catch (failure) {
      log.warn("could not start recording", failure);
      setError(ownMessageOr(failure, "The microphone could not be started. Check that this site may use it, then try again."));
      setState("idle");
    }
  };

  const stop = async (): Promise<void> => {
    const current = recorder.current;
    recorder.current = null;
    setState("idle");
    setLevel(0);
    if (current === null) return;
    try {
      onRecorded(await current.stop());
    } catch (failure) {
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
              <button type="button" className="button" onClick={() => { recorder.current?.pause(); setState("paused"); }}>
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
            <button type="button" className="button" onClick={() => { recorder.current?.cancel(); recorder.current = null; setState("idle"); setLevel(0); }}>
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
