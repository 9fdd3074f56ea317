import { describe, expect, it } from "vitest";
import { audioFileName, audioMimeType, heartbeatIntervalMs } from "../../../../lib/telegram/job-audio";
import { job } from "./job-fixtures";

describe("labels and files", () => {
  it("names the audio file and its type", () => {
    expect(audioFileName(job("j1"), "audio/ogg")).toBe("voice-j1.ogg");
    expect(audioFileName(job("j1", { kind: "video_note", mime: null }), "application/octet-stream")).toBe("video-note-j1.mp4");
    expect(audioFileName(job("j1", { kind: "audio", fileName: " song.mp3 " }), null)).toBe("song.mp3");
    expect(audioMimeType(job("j1"), "application/octet-stream")).toBe("audio/ogg");
    expect(audioMimeType(job("j1"), "audio/mpeg; charset=binary")).toBe("audio/mpeg");
  });

  it("renews leases three times per lease, between 1 s and 30 s", () => {
    expect(heartbeatIntervalMs(60)).toBe(20_000);
    expect(heartbeatIntervalMs(600)).toBe(30_000);
    expect(heartbeatIntervalMs(1)).toBe(1000);
  });
});
