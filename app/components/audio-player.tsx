"use client";

import { useId } from "react";
import { formatClock } from "@/lib/transcript/formats";
import type { useAudioPlayer } from "../hooks/use-audio-player";

/**
 * The player beside a transcript: play/pause, the position as a slider (its arrows seek too) and
 * the times. The `<audio>` element has no controls of its own, so the page's keyboard rules hold.
 */
export function AudioPlayer({ player }: { readonly player: ReturnType<typeof useAudioPlayer> }) {
  const { events, playing, time, duration, seek, toggle } = player;
  const sliderId = useId();
  const total = Number.isFinite(duration) && duration > 0 ? duration : 0;
  const withHours = total >= 3600;
  return (
    <div className="player" role="group" aria-label="Audio player" data-testid="player">
      <audio {...events} preload="metadata" data-testid="player-audio" />
      <button type="button" className="button small player-toggle" onClick={toggle} aria-label={playing ? "Pause" : "Play"} data-testid="player-toggle">
        {playing ? "❚❚ Pause" : "▶ Play"}
      </button>
      <label htmlFor={sliderId} className="visually-hidden">
        Position
      </label>
      <input
        id={sliderId}
        type="range"
        min={0}
        max={total}
        step={0.1}
        value={Math.min(time, total)}
        onChange={(event) => seek(Number(event.target.value))}
        className="player-position"
        aria-valuetext={`${formatClock(time, withHours)} of ${formatClock(total, withHours)}`}
      />
      <span className="player-time" data-testid="player-time">
        {formatClock(time, withHours)} / {formatClock(total, withHours)}
      </span>
      <span className="hint player-keys">Space: play or pause · ←/→: 5 s</span>
    </div>
  );
}
