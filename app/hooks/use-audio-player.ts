"use client";

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { createLogger } from "@/lib/logger";
import { playerKeyAction } from "@/lib/audio/player-keys";
import { activeSegmentIndex } from "@/lib/transcript/active-segment";
import type { Segment } from "@/lib/transcript/types";

const log = createLogger("player");

/**
 * Plays `audio` (the file or recording just transcribed) beside its transcript: an object URL for
 * the `<audio>` element (revoked when the audio changes), the time read on every animation frame
 * while playing, the segment being heard, seeking, and the workspace's keyboard handler.
 */
export function useAudioPlayer(audio: Blob, segments: readonly Segment[]) {
  const element = useRef<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const [url, setUrl] = useState<string | undefined>(undefined);
  // Made and revoked in one effect, so React's development double-run never plays a revoked URL.
  useEffect(() => {
    const made = URL.createObjectURL(audio);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [audio]);

  useEffect(() => {
    if (!playing) return;
    let frame = requestAnimationFrame(function tick() {
      setTime(element.current?.currentTime ?? 0);
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  const seek = useCallback((seconds: number) => {
    const media = element.current;
    if (media === null) return;
    const end = Number.isFinite(media.duration) ? media.duration : Number.POSITIVE_INFINITY;
    media.currentTime = Math.max(0, Math.min(end, seconds));
    setTime(media.currentTime);
  }, []);

  const toggle = useCallback(() => {
    const media = element.current;
    if (media === null) return;
    if (media.paused) media.play().catch((failure: unknown) => log.warn("the audio could not be played", failure));
    else media.pause();
  }, []);

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      if (event.altKey || event.ctrlKey || event.metaKey || !(event.target instanceof HTMLElement)) return;
      const action = playerKeyAction({ key: event.key, shiftKey: event.shiftKey, targetTag: event.target.tagName, editable: event.target.isContentEditable });
      if (action === null) return;
      event.preventDefault();
      if (action.kind === "toggle") toggle();
      else seek((element.current?.currentTime ?? 0) + action.seconds);
    },
    [toggle, seek],
  );

  const events = {
    ref: element,
    src: url,
    onPlay: () => setPlaying(true),
    onPause: () => setPlaying(false),
    onEnded: () => setPlaying(false),
    onTimeUpdate: () => setTime(element.current?.currentTime ?? 0),
    onLoadedMetadata: () => setDuration(element.current?.duration ?? 0),
    onDurationChange: () => setDuration(element.current?.duration ?? 0),
  };

  return { events, playing, time, duration, seek, toggle, onKeyDown, activeIndex: activeSegmentIndex(segments, time) };
}
