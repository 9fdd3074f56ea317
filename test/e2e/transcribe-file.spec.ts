import { clip, expect, test, transcribeClip } from "./fixtures";

test.describe("transcribing a file in the browser", () => {
  test("a speech WAV becomes a transcript from the fixture model on WASM", async ({ page, problems }) => {
    await page.goto("/");
    expect(problems.consoleErrors).toEqual([]);
    await expect(page.getByTestId("status")).toContainText("Choose or drop");
    expect(await page.evaluate(() => crossOriginIsolated), "COOP/COEP make the page cross-origin isolated").toBe(true);

    await transcribeClip(page, "speech-8k.wav");
    await expect(page.getByTestId("status")).toContainText("Done");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
    await expect(page.getByTestId("model-info")).toContainText("Whisper tiny");
    await expect(page.getByTestId("model-info")).toContainText("WASM");
  });

  test("an Ogg Opus voice note and an MP4 video both transcribe, one after the other", async ({ page }) => {
    await page.goto("/");
    await transcribeClip(page, "speech.ogg");
    const first = await page.getByTestId("transcript").textContent();
    expect(first?.trim()).not.toBe("");

    await transcribeClip(page, "speech-video.mp4");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
  });

  test("MP3, M4A, WebM and stereo WAV all decode and transcribe", async ({ page }) => {
    await page.goto("/");
    for (const name of ["speech.mp3", "speech.m4a", "speech.webm", "speech-stereo-22k.wav"]) {
      await transcribeClip(page, name);
      await expect(page.getByTestId("transcript"), name).not.toBeEmpty();
    }
  });

  test("ONNX Runtime is served from our own origin, never a CDN", async ({ page }) => {
    const ortRequests: string[] = [];
    page.on("request", (request) => {
      if (/ort-wasm/.test(request.url())) ortRequests.push(request.url());
    });
    await page.goto("/");
    await transcribeClip(page, "speech.ogg");
    expect(ortRequests.length).toBeGreaterThan(0);
    for (const url of ortRequests) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ort\//);
  });

  test("where the browser cannot decode Ogg Opus, the WASM decoder takes over", async ({ page }) => {
    // Emulate Safari before 17: no WebCodecs AudioDecoder (so no streaming decode), and decodeAudioData rejects Ogg.
    await page.addInitScript(() => {
      Reflect.deleteProperty(globalThis, "AudioDecoder");
      const original = BaseAudioContext.prototype.decodeAudioData;
      BaseAudioContext.prototype.decodeAudioData = function (this: BaseAudioContext, data: ArrayBuffer, ...rest: never[]) {
        const head = new Uint8Array(data, 0, 4);
        if (String.fromCharCode(...head) === "OggS") return Promise.reject(new DOMException("Unable to decode audio data", "EncodingError"));
        return original.call(this, data, ...rest);
      };
    });
    await page.goto("/");
    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
    expect(await page.evaluate(() => Reflect.get(Object(Reflect.get(globalThis, "__WHISPER_AUDIO_STATS__")), "decoder"))).toBe("wasm-opus");
  });

  test("voice notes, MP3, M4A, WebM, video and WAV are decoded as a stream where WebCodecs is there", async ({ page }) => {
    await page.goto("/");
    for (const name of ["speech.ogg", "speech.mp3", "speech.m4a", "speech.webm", "speech-video.mp4", "speech-stereo-22k.wav"]) {
      await transcribeClip(page, name);
      await expect(page.getByTestId("transcript"), name).not.toBeEmpty();
      expect(await page.evaluate(() => Reflect.get(Object(Reflect.get(globalThis, "__WHISPER_AUDIO_STATS__")), "decoder")), name).toBe("stream");
    }
  });
});

test.describe("bad input gets a clear message", () => {
  test("a text file is refused as not audio, and the next good file still works", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("file-input").setInputFiles(clip("not-audio.txt"));
    await expect(page.getByTestId("status")).toContainText("not an audio or video file");
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();

    await transcribeClip(page, "speech.ogg");
    await expect(page.getByTestId("transcript")).not.toBeEmpty();
  });

  test("an empty file and a truncated voice note are explained", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("file-input").setInputFiles(clip("empty.ogg"));
    await expect(page.getByTestId("status")).toContainText("is empty");

    await page.getByTestId("file-input").setInputFiles(clip("truncated.ogg"));
    await expect(page.getByTestId("status")).toHaveText(/damaged|no sound|No speech|Done/);
  });
});
