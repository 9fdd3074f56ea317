import { describe, expect, it, vi } from "vitest";
import { applyTelegramTheme, mixColors, normalizeColor, parseThemeParams, relativeLuminance, themeColorScheme, themeToCssVariables, type TelegramThemeParams } from "../../../../lib/telegram/theme";
import { ANDROID_DARK, IOS_LIGHT } from "./launch-fixtures";

describe("colours and theme", () => {
  it("accepts only #rgb and #rrggbb", () => {
    expect(normalizeColor("#ABC")).toBe("#aabbcc");
    expect(normalizeColor("#A1b2C3")).toBe("#a1b2c3");
    for (const bad of ["red", "#abcd", "#abcdeg", "rgb(0,0,0)", "#fff;background:url(x)", " #ffffff", 0, null, undefined]) expect(normalizeColor(bad)).toBeNull();
  });

  it("parses theme objects, keeping valid colours only", () => {
    expect(parseThemeParams({ bg_color: "#FFF", text_color: 3, hint_color: "blue", future_color: "#123456" })).toEqual({ bg_color: "#ffffff", future_color: "#123456" });
    expect(parseThemeParams(null)).toEqual({});
    expect(parseThemeParams(["#fff"])).toEqual({});
  });

  it("maps the iOS light theme, skipping a card colour equal to the background", () => {
    expect(themeToCssVariables(IOS_LIGHT)).toEqual({
      "--bg": "#ffffff",
      "--fg": "#000000",
      "--muted": "#8e8e93",
      "--accent": "#007aff",
      "--accent-fg": "#ffffff",
      "--card": "#efeff3",
      "--border": mixColors("#ffffff", "#000000", 0.15),
      "--error": "#ff3b30",
    });
  });

  it("maps the Android dark theme", () => {
    expect(themeToCssVariables(ANDROID_DARK)).toEqual({
      "--bg": "#212d3b",
      "--fg": "#ffffff",
      "--muted": "#7d8b99",
      "--accent": "#50a8eb",
      "--accent-fg": "#ffffff",
      "--card": "#1d2733",
      "--border": "#0d1218",
      "--error": "#ee686f",
    });
  });

  it("falls back sensibly and leaves out what it cannot fill", () => {
    expect(themeToCssVariables({})).toEqual({});
    expect(themeToCssVariables({ header_bg_color: "#000", link_color: "#ffff00" })).toEqual({ "--bg": "#000000", "--accent": "#ffff00", "--accent-fg": "#000000" });
    expect(themeToCssVariables({ bg_color: "#ffffff", section_bg_color: "#ffffff" })["--card"]).toBe("#ffffff");
    const unsafe: TelegramThemeParams = { bg_color: "url(javascript:alert(1))", text_color: "#111" };
    expect(themeToCssVariables(unsafe)).toEqual({ "--fg": "#111111" });
  });

  it("mixes colours and measures luminance", () => {
    expect(mixColors("#000000", "#ffffff", 0.5)).toBe("#808080");
    expect(mixColors("#102030", "#102030", 0.7)).toBe("#102030");
    expect(relativeLuminance("#ffffff")).toBeCloseTo(1, 10);
    expect(relativeLuminance("#000000")).toBe(0);
  });

  it("tells dark from light", () => {
    expect(themeColorScheme(IOS_LIGHT)).toBe("light");
    expect(themeColorScheme(ANDROID_DARK)).toBe("dark");
    expect(themeColorScheme({})).toBeNull();
  });

  it("applies variables and color-scheme to an element", () => {
    const setProperty = vi.fn();
    applyTelegramTheme(ANDROID_DARK, { style: { setProperty } });
    expect(setProperty).toHaveBeenCalledWith("--bg", "#212d3b");
    expect(setProperty).toHaveBeenCalledWith("--accent", "#50a8eb");
    expect(setProperty).toHaveBeenCalledWith("color-scheme", "dark");
    expect(setProperty).toHaveBeenCalledTimes(9);
  });
});
