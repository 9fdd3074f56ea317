/**
 * Telegram's theme as our CSS: the theme parameters Telegram sends (validated colours only), the
 * CSS variables of app/globals.css they set, and the light/dark colour scheme they imply. Use it with
 * the launch parameters at start-up and with `onThemeChanged` (mini-app.ts) for live changes.
 */

/** Theme keys Telegram sends (snake_case); others may appear and are kept when they hold a colour. */
export type TelegramThemeKey =
  | "bg_color"
  | "text_color"
  | "hint_color"
  | "link_color"
  | "button_color"
  | "button_text_color"
  | "secondary_bg_color"
  | "header_bg_color"
  | "bottom_bar_bg_color"
  | "accent_text_color"
  | "section_bg_color"
  | "section_header_text_color"
  | "section_separator_color"
  | "subtitle_text_color"
  | "destructive_text_color";

/** Telegram's theme with only valid colours, each as lower-case `#rrggbb`. */
export type TelegramThemeParams = Readonly<Partial<Record<TelegramThemeKey, string>> & Record<string, string | undefined>>;

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** `#rgb` or `#rrggbb` as lower-case `#rrggbb`; null for anything else (named colours, rgb(), scripts). */
export function normalizeColor(value: unknown): string | null {
  if (typeof value !== "string" || !COLOR.test(value)) return null;
  const hex = value.slice(1).toLowerCase();
  return hex.length === 3 ? `#${Array.from(hex, (digit) => digit + digit).join("")}` : `#${hex}`;
}

/** Keeps the entries of a theme object (parsed JSON) whose keys look like theme keys and whose values are valid colours. */
export function parseThemeParams(value: unknown): TelegramThemeParams {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const theme: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    const color = normalizeColor(raw);
    if (color !== null && /^[a-z][a-z0-9_]{0,63}$/.test(key)) theme[key] = color;
  }
  return theme;
}

/** Our CSS variables (app/globals.css) that a Telegram theme sets. */
export type ThemeCssVariable = "--bg" | "--fg" | "--muted" | "--accent" | "--accent-fg" | "--card" | "--border" | "--error";

/**
 * Which Telegram keys feed which variable, first valid colour wins. `--card` takes the first that
 * differs from the page background, so cards stay visible; `--border` falls back to a mix of text
 * and background; `--accent-fg` to black or white, whichever reads better on the accent.
 */
const THEME_SOURCES: ReadonlyArray<readonly [ThemeCssVariable, readonly TelegramThemeKey[]]> = [
  ["--bg", ["bg_color", "header_bg_color"]],
  ["--fg", ["text_color"]],
  ["--muted", ["hint_color", "subtitle_text_color"]],
  ["--accent", ["button_color", "accent_text_color", "link_color"]],
  ["--accent-fg", ["button_text_color"]],
  ["--card", ["section_bg_color", "secondary_bg_color"]],
  ["--border", ["section_separator_color"]],
  ["--error", ["destructive_text_color"]],
];

function channels(color: string): [number, number, number] {
  return [Number.parseInt(color.slice(1, 3), 16), Number.parseInt(color.slice(3, 5), 16), Number.parseInt(color.slice(5, 7), 16)];
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb.map((value) => Math.round(Math.min(255, Math.max(0, value))).toString(16).padStart(2, "0")).join("")}`;
}

/** `a` moved towards `b` by `amount` (0..1), channel by channel. Both `#rrggbb`. */
export function mixColors(a: string, b: string, amount: number): string {
  const x = channels(a);
  const y = channels(b);
  return toHex(x.map((value, i) => value + ((y[i] ?? value) - value) * amount));
}

/** WCAG relative luminance of a `#rrggbb` colour, 0 (black) … 1 (white). */
export function relativeLuminance(color: string): number {
  const [r, g, b] = channels(color).map((value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/** Whether a theme is dark or light, judged by its background; null when it has none. */
export function themeColorScheme(theme: TelegramThemeParams): "light" | "dark" | null {
  const bg = normalizeColor(theme.bg_color) ?? normalizeColor(theme.header_bg_color);
  return bg === null ? null : relativeLuminance(bg) < 0.2 ? "dark" : "light";
}

/**
 * Maps a Telegram theme to our CSS variables (see {@link THEME_SOURCES} for which key feeds which).
 * Only valid colours are used; a variable with no source is left out, so the stylesheet's default stays.
 */
export function themeToCssVariables(theme: TelegramThemeParams): Partial<Record<ThemeCssVariable, string>> {
  const vars: Partial<Record<ThemeCssVariable, string>> = {};
  for (const [variable, keys] of THEME_SOURCES) {
    const colors = keys.map((key) => normalizeColor(theme[key])).filter((color): color is string => color !== null);
    const chosen = variable === "--card" ? (colors.find((color) => color !== vars["--bg"]) ?? colors[0]) : colors[0];
    if (chosen !== undefined) vars[variable] = chosen;
  }
  const bg = vars["--bg"];
  const fg = vars["--fg"];
  if (vars["--border"] === undefined && bg !== undefined && fg !== undefined) vars["--border"] = mixColors(bg, fg, 0.15);
  const accent = vars["--accent"];
  if (vars["--accent-fg"] === undefined && accent !== undefined) vars["--accent-fg"] = relativeLuminance(accent) > 0.4 ? "#000000" : "#ffffff";
  return vars;
}

/** Something with a style to set properties on: `document.documentElement` in the page. */
export interface StyleTarget {
  readonly style: { setProperty(name: string, value: string): void };
}

/**
 * Sets a Telegram theme on `target` (inline styles beat the stylesheet's light/dark defaults), plus
 * `color-scheme`, so form controls and scrollbars match. Call it at start and on {@link onThemeChanged}.
 */
export function applyTelegramTheme(theme: TelegramThemeParams, target: StyleTarget): void {
  for (const [name, value] of Object.entries(themeToCssVariables(theme))) target.style.setProperty(name, value);
  const scheme = themeColorScheme(theme);
  if (scheme !== null) target.style.setProperty("color-scheme", scheme);
}
