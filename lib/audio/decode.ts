/**
 * Turns a file a person picked (voice note, song, video) into 16 kHz mono Float32 samples, on the
 * main thread where Web Audio lives. Where the browser has WebCodecs and mediabunny reads the
 * container, the file is decoded as a stream, window by window (stream-source.ts), so an hour costs
 * no more memory than a minute. Elsewhere the whole file is decoded at once: the browser's own
 * decoder first, and where it cannot read Ogg Opus (Safari before 17) a small WASM Opus decoder.
 * Failures are AudioDecodeErrors with a message a person can act on.
 */
import { AudioDecodeError } from "./decode-error";
import { downmixToMono, resample, sniffContainer, type Container } from "./format";
import { channelsSource, monoSource, type AudioSource } from "./source";
import { observeSource, wholeFileForced } from "./source-stats";
import { createLogger } from "../logger";
import { SAMPLE_RATE } from "./sample-rate";

/** Decoded audio ready to be windowed for the worker. */
export interface DecodedAudio {
  /** 16 kHz samples, mixed down to mono window by window. */
  readonly source: AudioSource;
  /** Seconds; for a stream, what the container says until it has been read to the end. */
  readonly duration: number;
  readonly container: Container;
  /** Which decoder produced the samples: the streaming one (WebCodecs), or a whole-file one. */
  readonly decoder: "stream" | "browser" | "wasm-opus";
}

const log = createLogger("audio");

function isOgg(container: Container): boolean {
  return container === "ogg-opus" || container === "ogg";
}

async function decodeWithBrowser(bytes: ArrayBuffer): Promise<AudioSource> {
  // decodeAudioData resamples to the context's rate, so a 16 kHz context yields Whisper's rate
  // directly. The channels stay separate; windows are mixed down as they are read, so no
  // full-length mono copy is made (an hour of 16 kHz mono is 230 MB).
  const context = new OfflineAudioContext(1, 1, SAMPLE_RATE);
  const buffer = await context.decodeAudioData(bytes);
  const channels: Float32Array[] = [];
  for (let c = 0; c < buffer.numberOfChannels; c += 1) channels.push(buffer.getChannelData(c));
  return channelsSource(channels);
}

async function decodeOpusWithWasm(bytes: Uint8Array): Promise<AudioSource> {
  const { OggOpusDecoder } = await import("ogg-opus-decoder");
  const decoder = new OggOpusDecoder();
  try {
    await decoder.ready;
    const decoded = await decoder.decodeFile(bytes);
    if (decoded.samplesDecoded === 0 && decoded.errors.length > 0) {
      throw new AudioDecodeError("undecodable", "This Ogg Opus file is damaged and could not be decoded.", { cause: decoded.errors[0] });
    }
    return monoSource(resample(downmixToMono(decoded.channelData), decoded.sampleRate, SAMPLE_RATE));
  } finally {
    decoder.free();
  }
}

/**
 * The file as a stream, with its first second decoded to prove the codec works here; null where it
 * cannot be streamed, so the whole-file decoders take over.
 */
async function openStream(file: Blob, label: string): Promise<AudioSource | null> {
  if (wholeFileForced()) return null;
  const { openStreamSource } = await import("./stream-source");
  const stream = await openStreamSource(file, label);
  if (stream === null) return null;
  try {
    await stream.read(0, SAMPLE_RATE);
  } catch (error) {
    log.warn(`streaming decode of ${label} failed; decoding the whole file instead`, error);
    stream.dispose();
    return null;
  }
  return observeSource(stream, "stream", () => stream.peakBufferedSamples);
}

/**
 * Decodes any audio or video file the browser (or our Opus fallback) understands.
 * @throws AudioDecodeError for empty, non-audio, damaged or silent-track files.
 */
export async function decodeAudioFile(file: Blob & { readonly name?: string }): Promise<DecodedAudio> {
  const label = file.name ? `“${file.name}”` : "This file";
  if (file.size === 0) throw new AudioDecodeError("empty", `${label} is empty (0 bytes). Choose a recording with sound in it.`);
  const stream = await openStream(file, label);
  if (stream !== null) {
    if (stream.length === 0) throw new AudioDecodeError("silent-track", `${label} has no sound in it.`);
    return { source: stream, duration: stream.duration, container: sniffContainer(new Uint8Array(await file.slice(0, 64).arrayBuffer())), decoder: "stream" };
  }
  const bytes = await file.arrayBuffer();
  const container = sniffContainer(new Uint8Array(bytes, 0, Math.min(64, bytes.byteLength)));
  let source: AudioSource;
  let decoder: DecodedAudio["decoder"] = "browser";
  try {
    // decodeAudioData detaches its argument; keep the original for the fallback.
    source = await decodeWithBrowser(bytes.slice(0));
  } catch (cause) {
    if (isOgg(container)) {
      source = await decodeOpusWithWasm(new Uint8Array(bytes));
      decoder = "wasm-opus";
    } else if (container === "unknown") {
      throw new AudioDecodeError("not-audio", `${label} is not an audio or video file this app can read. Try a voice note, MP3, M4A, WAV, Ogg, WebM or MP4.`, {
        cause,
        context: { type: file.type },
      });
    } else {
      throw new AudioDecodeError("undecodable", `${label} looks like ${container.toUpperCase()} but could not be decoded: it may be damaged, cut short, or have no sound track.`, {
        cause,
        context: { container },
      });
    }
  }
  if (source.length === 0) throw new AudioDecodeError("silent-track", `${label} has no sound in it.`, { context: { container } });
  const whole = source;
  return { source: observeSource(whole, decoder, () => whole.length), duration: source.duration, container, decoder };
}
