/**
 * A recording as a WAV file (16-bit PCM, mono), so the page can play back what it just
 * transcribed with a plain `<audio>` element. Pure; about 32 kB per second at 16 kHz.
 */

/** The 44-byte header of a mono 16-bit PCM WAV file whose data is `samples` samples long. */
export function wavHeader(samples: number, sampleRate: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(44);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i += 1) view.setUint8(at + i, text.charCodeAt(i));
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, samples * 2, true);
  return bytes;
}

/** Writes `samples` (floats in [-1, 1]; louder ones are clipped) as 16-bit little-endian PCM into `view` from byte `at`. */
export function writePcm16(view: DataView, at: number, samples: Float32Array): void {
  for (let i = 0; i < samples.length; i += 1) {
    const sample = Math.max(-1, Math.min(1, samples[i] ?? 0));
    view.setInt16(at + i * 2, Math.round(sample < 0 ? sample * 0x8000 : sample * 0x7fff), true);
  }
}

/** The bytes of a mono 16-bit PCM WAV file holding `samples` (floats in [-1, 1]; louder ones are clipped). */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(44 + samples.length * 2);
  bytes.set(wavHeader(samples.length, sampleRate));
  writePcm16(new DataView(bytes.buffer), 44, samples);
  return bytes;
}
