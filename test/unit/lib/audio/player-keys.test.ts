import { describe, expect, it } from "vitest";
import { FINE_SEEK_SECONDS, playerKeyAction, SEEK_SECONDS } from "../../../../lib/audio/player-keys";

const press = (key: string, targetTag = "BUTTON", shiftKey = false) => playerKeyAction({ key, shiftKey, targetTag });

describe("playerKeyAction", () => {
  it("Space and k play or pause, even on a button", () => {
    expect(press(" ")).toEqual({ kind: "toggle" });
    expect(press("k", "SECTION")).toEqual({ kind: "toggle" });
  });

  it("the arrows seek, Shift seeks finer", () => {
    expect(press("ArrowLeft")).toEqual({ kind: "seek-by", seconds: -SEEK_SECONDS });
    expect(press("ArrowRight")).toEqual({ kind: "seek-by", seconds: SEEK_SECONDS });
    expect(press("ArrowRight", "LI", true)).toEqual({ kind: "seek-by", seconds: FINE_SEEK_SECONDS });
  });

  it("leaves text fields, menus, sliders, editable text and other keys alone", () => {
    for (const tag of ["INPUT", "TEXTAREA", "SELECT"]) expect(press(" ", tag)).toBeNull();
    expect(playerKeyAction({ key: " ", shiftKey: false, targetTag: "DIV", editable: true })).toBeNull();
    expect(press("Enter")).toBeNull();
    expect(press("a")).toBeNull();
  });
});
