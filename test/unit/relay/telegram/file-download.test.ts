import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../../../relay/errors";
import { fileDownloadUrl } from "../../../../relay/telegram/file-download";

describe("fileDownloadUrl", () => {
  it("encodes each segment of Telegram's file_path", () => {
    expect(fileDownloadUrl("https://api.telegram.org", "1:ab", "voice/file 1.oga")).toBe("https://api.telegram.org/file/bot1:ab/voice/file%201.oga");
  });

  it("refuses . and .. and empty segments before building the URL", () => {
    for (const path of ["../bot1:ab/getMe", "voice/../../x", "./voice/a.oga", "voice//a.oga", "/etc/passwd", "voice/a\\..\\b"]) {
      expect(() => fileDownloadUrl("https://api.telegram.org", "1:ab", path)).toThrow(UpstreamError);
    }
  });
});
