/**
 * Keeps a long recording for the player without keeping it in JavaScript memory: samples are
 * encoded to 16-bit PCM as they arrive (half the size of Float32) and handed to the browser as Blob
 * parts every few seconds. A Blob's bytes belong to the browser's blob store, outside the page's
 * JavaScript heap (Chromium moves large ones to disk), so a 30-minute recording adds ~58 MB there
 * and nothing that grows in the page. {@link WavBlobWriter.finish} puts the header in front:
 * a WAV file the `<audio>` element plays and that can be transcribed again as a file.
 */
import { SAMPLE_RATE } from "./sample-rate";
import { wavHeader, writePcm16 } from "./wav-encode";

/** See the module comment. One recording per writer. */
export class WavBlobWriter {
  private readonly sampleRate: number;
  private readonly pending: Uint8Array<ArrayBuffer>;
  private readonly view: DataView;
  private filled = 0;
  private readonly parts: Blob[] = [];
  private total = 0;

  /** `chunkSeconds` of audio are encoded before they become a Blob part (default 5 s, 160 kB at 16 kHz). */
  constructor(sampleRate: number = SAMPLE_RATE, chunkSeconds = 5) {
    this.sampleRate = sampleRate;
    this.pending = new Uint8Array(Math.max(1, Math.round(sampleRate * chunkSeconds)) * 2);
    this.view = new DataView(this.pending.buffer);
  }

  /** Samples written so far. */
  get length(): number {
    return this.total;
  }

  /** Appends mono samples in [-1, 1]. */
  append(samples: Float32Array): void {
    let offset = 0;
    while (offset < samples.length) {
      const room = (this.pending.length - this.filled) / 2;
      const take = Math.min(room, samples.length - offset);
      writePcm16(this.view, this.filled, samples.subarray(offset, offset + take));
      this.filled += take * 2;
      offset += take;
      if (this.filled === this.pending.length) this.flush();
    }
    this.total += samples.length;
  }

  /** The recording so far as a WAV file. The writer may go on appending afterwards. */
  finish(): Blob {
    this.flush();
    return new Blob([wavHeader(this.total, this.sampleRate), ...this.parts], { type: "audio/wav" });
  }

  private flush(): void {
    if (this.filled === 0) return;
    this.parts.push(new Blob([this.pending.slice(0, this.filled)]));
    this.filled = 0;
  }
}
