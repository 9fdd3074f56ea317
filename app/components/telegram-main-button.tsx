"use client";

import { useEffect, useRef } from "react";
import { currentLaunchParams } from "@/lib/telegram/launch-params";
import { onMainButtonPressed, setupMainButton } from "@/lib/telegram/mini-app-controls";

/** The page's primary action as Telegram's main button shows it; null hides the button. */
export interface MainAction {
  readonly text: string;
  readonly run: () => void;
  /** A spinner in the button while something runs. */
  readonly progress?: boolean;
}

/** What the page offers, from which the main button's action is chosen. */
export interface MainButtonProps {
  readonly phase: string;
  readonly busy: boolean;
  readonly onCancel: () => void;
  readonly onRetry: (() => void) | null;
  readonly onPick: () => void;
}

/** The primary action: cancel a run, try a failed file again, or pick a file; none while busy otherwise. */
export function mainAction({ phase, busy, onCancel, onRetry, onPick }: MainButtonProps): MainAction | null {
  if (phase === "transcribing") return { text: "Cancel", run: onCancel, progress: true };
  if (busy) return null;
  if (phase === "error" && onRetry !== null) return { text: "Try again", run: onRetry };
  return { text: "Choose a file to transcribe", run: onPick };
}

/**
 * Inside Telegram, Telegram's main button (the wide one under the Mini App) drives the page's
 * primary action ({@link mainAction}): the same as the page's own control for it. Outside Telegram
 * it renders nothing and does nothing.
 */
export function TelegramMainButton(props: MainButtonProps) {
  const action = mainAction(props);
  const latest = useRef<MainAction | null>(action);
  useEffect(() => {
    latest.current = action;
  }, [action]);

  useEffect(() => {
    if (currentLaunchParams() === null) return;
    const stop = onMainButtonPressed(() => latest.current?.run());
    return () => {
      stop();
      setupMainButton({ visible: false, text: "" });
    };
  }, []);

  const text = action?.text ?? "";
  const progress = action?.progress ?? false;
  useEffect(() => {
    if (currentLaunchParams() === null) return;
    setupMainButton({ visible: text.length > 0, text, progress });
  }, [text, progress]);

  return null;
}
