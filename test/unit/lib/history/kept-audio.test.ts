import { describe, expect, it } from "vitest";
import { audioQuotaMessage, describeKeptAudio, describeKeptAudioUsage, isKeptAudioInfo, keptAudioUsage } from "../../../../lib/history/kept-audio";
import { KEEP_AUDIO_KEY, loadKeepAudio, saveKeepAudio } from "../../../../lib/history/keep-audio-setting";
import { createMemoryStorage, type KeyValueStorage } from "../../../../lib/storage";

describe("kept audio info", () => {
  it("describes a blob by its size and type, and accepts only well-formed info back from storage", () => {
    const info = describeKeptAudio("a", new Blob(["12345"], { type: "audio/ogg" }), 7);
    expect(info).toEqual({ id: "a", bytes: 5, type: "audio/ogg", savedAt: 7 });
    expect(isKeptAudioInfo(info)).toBe(true);
    expect(isKeptAudioInfo({ ...info, id: "" })).toBe(false);
    expect(isKeptAudioInfo({ ...info, bytes: -1 })).toBe(false);
    expect(isKeptAudioInfo({ ...info, bytes: Number.NaN })).toBe(false);
    expect(isKeptAudioInfo({ id: "a", bytes: 5, savedAt: 7 })).toBe(false);
    expect(isKeptAudioInfo(null)).toBe(false);
  });

  it("sums the kept audio and says it in words", () => {
    const usage = keptAudioUsage([
      { id: "a", bytes: 1_500_000, type: "audio/wav", savedAt: 1 },
      { id: "b", bytes: 2_700_000, type: "audio/ogg", savedAt: 2 },
    ]);
    expect(usage).toEqual({ count: 2, bytes: 4_200_000 });
    expect(describeKeptAudioUsage(usage)).toBe("Audio of 2 transcripts is kept on this device: 4.2 MB.");
    expect(describeKeptAudioUsage({ count: 1, bytes: 800 })).toBe("Audio of 1 transcript is kept on this device: 800 B.");
    expect(describeKeptAudioUsage(keptAudioUsage([]))).toBe("No audio is kept with transcripts.");
  });

  it("the quota message says the transcript is kept and how to make room", () => {
    expect(audioQuotaMessage(12_300_000)).toMatch(/^The transcript is kept, but its audio \(12\.3 MB\) is not: there is no room left on this device\. .*Offline use and storage/);
  });
});

describe("the keep-audio setting", () => {
  it("is off by default, remembers the choice, and reads off when storage fails", () => {
    const map = new Map<string, string>();
    const storage = createMemoryStorage(map);
    expect(loadKeepAudio(storage)).toBe(false);
    expect(saveKeepAudio(storage, true)).toBe(true);
    expect(map.get(KEEP_AUDIO_KEY)).toBe("1");
    expect(loadKeepAudio(storage)).toBe(true);
    saveKeepAudio(storage, false);
    expect(loadKeepAudio(storage)).toBe(false);
    map.set(KEEP_AUDIO_KEY, "yes");
    expect(loadKeepAudio(storage)).toBe(false);

    const broken: KeyValueStorage = {
      getItem: () => {
        throw new DOMException("denied", "SecurityError");
      },
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
      removeItem: () => {},
    };
    expect(loadKeepAudio(broken)).toBe(false);
    expect(saveKeepAudio(broken, true)).toBe(false);
  });
});
