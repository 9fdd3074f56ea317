/** A stand-in for a microphone's MediaStream and its one audio track, for tests outside a browser. */

/** An audio track that can be stopped (as `release` does) or end by itself (as an unplugged microphone does). */
export class FakeTrack extends EventTarget {
  readyState: "live" | "ended" = "live";
  stopped = false;
  stop(): void {
    this.stopped = true;
    this.readyState = "ended";
  }
  end(): void {
    this.readyState = "ended";
    this.dispatchEvent(new Event("ended"));
  }
}

/** A MediaStream holding just `track`. */
export function fakeStream(track = new FakeTrack()): { stream: MediaStream; track: FakeTrack } {
  const stream = { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
  return { stream, track };
}
