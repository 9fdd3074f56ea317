/**
 * A file decoded as a stream: mediabunny demuxes the container and decodes the audio track with
 * WebCodecs' `AudioDecoder` (PCM it decodes itself), and the decoded chunks are mixed down to mono
 * and resampled to 16 kHz as they arrive. Only the window being read is held, plus one decoded
 * chunk, whatever the file's length: an hour of audio costs what 30 seconds do, where decoding the
 * whole file held ~230 MB of samples per channel before the model even loaded.
 */
import { ALL_FORMATS, AudioSampleSink, BlobSource, Input, type AudioSample, type InputAudioTrack } from "mediabunny";
import { AudioDecodeError } from "./decode-error";
import { SAMPLE_RATE } from "./sample-rate";
import type { AudioSource } from "./source";
import { StreamingResampler } from "./streaming-resampler";

/** An {@link AudioSource} that decodes its file window by window; made by {@link openStreamSource}. */
export class StreamSource implements AudioSource {
  private readonly sink: AudioSampleSink;
  private iterator: AsyncGenerator<AudioSample, void, unknown> | null = null;
  private resampler: StreamingResampler | null = null;
  /** 16 kHz mono samples; `buffer[0]` is sample `bufferStart`. */
  private buffer = new Float32Array(0);
  private bufferLength = 0;
  private bufferStart = 0;
  /** Samples before this are not kept (the caller has moved past them). */
  private keepFrom = 0;
  private ended = false;
  private peak = 0;
  private plane = new Float32Array(0);

  constructor(
    private readonly input: Input,
    track: InputAudioTrack,
    /** Samples the container says the track has; only an estimate until the end is decoded. */
    private readonly estimate: number,
    /** Shown in errors, e.g. `“talk.mp3”`. */
    private readonly label: string,
  ) {
    this.sink = new AudioSampleSink(track);
  }

  get length(): number {
    const decoded = this.bufferStart + this.bufferLength;
    return this.ended ? decoded : Math.max(this.estimate, decoded + 1);
  }

  get duration(): number {
    return this.length / SAMPLE_RATE;
  }

  /** The most 16 kHz samples this source has held at once (what a test checks stays window-sized). */
  get peakBufferedSamples(): number {
    return this.peak;
  }

  async read(start: number, end: number): Promise<Float32Array> {
    const from = Math.max(0, start);
    // Going back (a retry on a smaller model starts at 0 again) means decoding from the beginning.
    if (from < this.bufferStart) this.restart();
    this.keepFrom = from;
    this.forget();
    // One sample past `end`, so afterwards `length` is exact or more than `end`.
    while (!this.ended && this.bufferStart + this.bufferLength <= end) await this.pull();
    const to = Math.max(from, Math.min(end, this.bufferStart + this.bufferLength));
    return this.buffer.slice(from - this.bufferStart, to - this.bufferStart);
  }

  /** Stops decoding and lets go of the file; reads after this start again from the beginning. */
  dispose(): void {
    this.restart();
    this.input.dispose();
  }

  private restart(): void {
    void this.iterator?.return();
    this.iterator = null;
    this.resampler = null;
    this.buffer = new Float32Array(0);
    this.bufferLength = 0;
    this.bufferStart = 0;
    this.keepFrom = 0;
    this.ended = false;
  }

  private async pull(): Promise<void> {
    this.iterator ??= this.sink.samples();
    let next: IteratorResult<AudioSample, void>;
    try {
      next = await this.iterator.next();
    } catch (cause) {
      throw new AudioDecodeError("undecodable", `${this.label} could not be decoded past ${(this.bufferStart + this.bufferLength) / SAMPLE_RATE} s: it may be damaged or cut short.`, { cause });
    }
    if (next.done === true) {
      this.ended = true;
      if (this.resampler !== null) this.append(this.resampler.finish());
      return;
    }
    const sample = next.value;
    try {
      const rate = Math.round(sample.sampleRate);
      if (this.resampler !== null && this.resampler.fromRate !== rate) this.append(this.resampler.finish());
      if (this.resampler === null || this.resampler.fromRate !== rate) this.resampler = new StreamingResampler(rate, SAMPLE_RATE);
      this.resampler.push(this.mono(sample));
    } finally {
      sample.close();
    }
    this.append(this.resampler.take());
  }

  /** The sample's channels averaged, without the frames before time 0 (Opus pre-skip, encoder delay). */
  private mono(sample: AudioSample): Float32Array {
    const frames = sample.numberOfFrames;
    const skip = sample.timestamp < 0 ? Math.min(frames, Math.round(-sample.timestamp * sample.sampleRate)) : 0;
    const out = new Float32Array(frames - skip);
    if (this.plane.length < frames) this.plane = new Float32Array(frames);
    const plane = this.plane;
    const scale = 1 / Math.max(1, sample.numberOfChannels);
    for (let channel = 0; channel < sample.numberOfChannels; channel += 1) {
      sample.copyTo(plane, { planeIndex: channel, format: "f32-planar" });
      for (let i = 0; i < out.length; i += 1) out[i] = (out[i] ?? 0) + (plane[i + skip] ?? 0) * scale;
    }
    return out;
  }

  private append(chunk: Float32Array): void {
    let data = chunk;
    const at = this.bufferStart + this.bufferLength;
    if (at < this.keepFrom) {
      // Skipped ahead past samples not decoded yet: they are dropped as they arrive.
      const skip = Math.min(data.length, this.keepFrom - at);
      data = data.subarray(skip);
      this.bufferStart += skip;
    }
    if (data.length === 0) return;
    if (this.bufferLength + data.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.bufferLength + data.length, this.buffer.length * 2, 16_384));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(data, this.bufferLength);
    this.bufferLength += data.length;
    this.peak = Math.max(this.peak, this.bufferLength + (this.resampler?.pendingOutput ?? 0));
  }

  /** Drops buffered samples before `keepFrom`. */
  private forget(): void {
    const drop = Math.min(this.bufferLength, Math.max(0, this.keepFrom - this.bufferStart));
    if (drop === 0) return;
    this.buffer.copyWithin(0, drop, this.bufferLength);
    this.bufferLength -= drop;
    this.bufferStart += drop;
  }
}

/**
 * Opens `file` for streaming decode, or returns null where this browser cannot (a container
 * mediabunny does not read, no audio track, or a codec neither WebCodecs nor mediabunny decodes
 * here); the caller then decodes the whole file the old way, which also says what is wrong with it.
 */
export async function openStreamSource(file: Blob, label: string): Promise<StreamSource | null> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryAudioTrack();
    if (track === null || !(await track.canDecode())) {
      input.dispose();
      return null;
    }
    const seconds = (await track.getDurationFromMetadata()) ?? (await track.computeDuration());
    return new StreamSource(input, track, Math.max(0, Math.round(seconds * SAMPLE_RATE)), label);
  } catch {
    input.dispose();
    return null;
  }
}
