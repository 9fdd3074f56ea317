"use client";

import { useEffect } from "react";
import { expand, onBackButtonPressed, onThemeChanged, ready, setupBackButton } from "@/lib/telegram/mini-app";
import { applyTelegramTheme, themeColorScheme } from "@/lib/telegram/theme";
import { currentLaunchParams } from "@/lib/telegram/launch-params";

/**
 * Makes the app look and behave native inside Telegram: theme colours from the launch parameters
 * (and live theme changes), full height, and Telegram's back button while `onBack` is set.
 * Outside Telegram it does nothing.
 */
export function TelegramShell({ onBack }: { readonly onBack: (() => void) | null }) {
  useEffect(() => {
    const params = currentLaunchParams();
    if (params === null) return;
    const root = document.documentElement;
    const apply = (theme: typeof params.themeParams): void => {
      applyTelegramTheme(theme, root);
      const scheme = themeColorScheme(theme);
      if (scheme !== null) root.style.setProperty("color-scheme", scheme);
    };
    apply(params.themeParams);
    root.dataset.telegram = params.platform;
    ready();
    expand();
    return onThemeChanged(apply);
  }, []);

  useEffect(() => {
    if (currentLaunchParams() === null) return;
    setupBackButton(onBack !== null);
    if (onBack === null) return;
    return onBackButtonPressed(onBack);
  }, [onBack]);

  return null;
}
