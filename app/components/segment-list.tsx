"use client";

import { useEffect, useRef, type KeyboardEvent } from "react";
import { formatClock } from "@/lib/transcript/formats";
import type { Segment } from "@/lib/transcript/types";

/**
 * The transcript as timed segments. Reading: each time is a button that seeks the player there,
 * and the segment being played is marked and kept in view. Editing: each segment's text is a text
 * box; Enter or leaving the box keeps the correction, Escape drops it.
 */
export function SegmentList(props: {
  readonly segments: readonly Segment[];
  readonly editing: boolean;
  readonly onEdit?: (index: number, text: string) => void;
  readonly activeIndex?: number;
  readonly onSeek?: (seconds: number) => void;
}) {
  const { segments, editing, onEdit, activeIndex = -1, onSeek } = props;
  const withHours = segments.some((segment) => segment.start >= 3600);
  const active = useRef<HTMLLIElement | null>(null);

  useEffect(() => {
    // "nearest" scrolls only when the segment is out of view, so reading along never jumps.
    if (activeIndex >= 0 && !editing) active.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [activeIndex, editing]);

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>, original: string): void => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      event.currentTarget.blur();
    } else if (event.key === "Escape") {
      event.currentTarget.value = original;
      event.currentTarget.blur();
    }
  };

  return (
    <ol className="segments" data-testid="segments">
      {segments.map((segment, index) => {
        const clock = formatClock(segment.start, withHours);
        const text = segment.text.trim();
        const isActive = index === activeIndex;
        return (
          <li key={`${segment.start}-${index}`} ref={isActive ? active : undefined} className={isActive ? "segment active" : "segment"} aria-current={isActive ? "true" : undefined}>
            {onSeek === undefined ? (
              <time>{clock}</time>
            ) : (
              <button type="button" className="segment-time" onClick={() => onSeek(segment.start)} aria-label={`Play from ${clock}`}>
                <time>{clock}</time>
              </button>
            )}{" "}
            {editing && onEdit !== undefined ? (
              <textarea
                key={text}
                className="segment-text"
                aria-label={`Text at ${clock}`}
                defaultValue={text}
                rows={Math.max(1, Math.ceil(text.length / 60))}
                onBlur={(event) => onEdit(index, event.currentTarget.value)}
                onKeyDown={(event) => onKeyDown(event, text)}
              />
            ) : (
              // The time button is the keyboard's way to seek; the text is the pointer's.
              <span className="segment-text" onClick={onSeek === undefined ? undefined : () => onSeek(segment.start)}>
                {text}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
