import { describe, expect, it, vi } from "vitest";
import { createMicrophoneProvider, microphoneErrorFrom, type MediaDevicesLike } from "../../../../lib/audio/microphone";
import { RecordingError } from "../../../../lib/audio/recording-error";
import { fakeStream } from "../../../support/fake-media-stream";

describe("microphone errors", () => {
  it.each([
    ["NotAllowedError", "microphone-denied"],
    ["SecurityError", "microphone-denied"],
    ["NotFoundError", "microphone-missing"],
    ["OverconstrainedError", "microphone-missing"],
    ["NotReadableError", "microphone-busy"],
    ["AbortError", "microphone-busy"],
    ["TypeError", "microphone-unsupported"],
    ["WeirdError", "microphone-failed"],
  ])("maps %s to %s", (name, code) => {
    const cause = new DOMException("x", name);
    const error = microphoneErrorFrom(cause);
    expect(error).toBeInstanceOf(RecordingError);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
  });

  it("passes RecordingErrors through and copes with non-errors", () => {
    const original = new RecordingError("microphone-ended", "gone");
    expect(microphoneErrorFrom(original)).toBe(original);
    expect(microphoneErrorFrom("nope").code).toBe("microphone-failed");
  });
});

describe("createMicrophoneProvider", () => {
  it("asks once and reuses the live stream, also for concurrent callers", async () => {
    const { stream } = fakeStream();
    const getUserMedia = vi.fn(async () => stream);
    const provider = createMicrophoneProvider(() => ({ getUserMedia }));
    const [a, b] = await Promise.all([provider.get(), provider.get()]);
    expect(await provider.get()).toBe(stream);
    expect(a).toBe(stream);
    expect(b).toBe(stream);
    expect(getUserMedia).toHaveBeenCalledTimes(1);
    expect(getUserMedia).toHaveBeenCalledWith({ audio: expect.objectContaining({ echoCancellation: true }), video: false });
    expect(provider.current()).toBe(stream);
  });

  it("asks again once the track has ended", async () => {
    const first = fakeStream();
    const second = fakeStream();
    const streams = [first.stream, second.stream];
    const getUserMedia = vi.fn(async () => streams.shift() ?? second.stream);
    const provider = createMicrophoneProvider(() => ({ getUserMedia }));
    expect(await provider.get()).toBe(first.stream);
    first.track.end();
    expect(provider.current()).toBeNull();
    expect(await provider.get()).toBe(second.stream);
    expect(getUserMedia).toHaveBeenCalledTimes(2);
  });

  it("does not remember a refusal", async () => {
    const { stream } = fakeStream();
    let refuse = true;
    const devices: MediaDevicesLike = {
      getUserMedia: async () => {
        if (refuse) throw new DOMException("denied", "NotAllowedError");
        return stream;
      },
    };
    const provider = createMicrophoneProvider(() => devices);
    await expect(provider.get()).rejects.toMatchObject({ code: "microphone-denied" });
    refuse = false;
    expect(await provider.get()).toBe(stream);
  });

  it("stops the tracks on release and asks again after", async () => {
    const first = fakeStream();
    const getUserMedia = vi.fn(async () => first.stream);
    const provider = createMicrophoneProvider(() => ({ getUserMedia }));
    await provider.get();
    provider.release();
    expect(first.track.stopped).toBe(true);
    expect(provider.current()).toBeNull();
    first.track.readyState = "live";
    await provider.get();
    expect(getUserMedia).toHaveBeenCalledTimes(2);
  });

  it("says unsupported without mediaDevices (insecure page)", async () => {
    await expect(createMicrophoneProvider(() => undefined).get()).rejects.toMatchObject({ name: "RecordingError", code: "microphone-unsupported" });
  });
});
