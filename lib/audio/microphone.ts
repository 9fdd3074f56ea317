/**
 * The page's microphone: {@link getSharedMicrophone} asks for it once per page and hands the same
 * live stream to every caller (inside Telegram every `getUserMedia` call asks the user again), and
 * {@link microphoneErrorFrom} turns `getUserMedia`'s failures into messages a user can act on.
 */
import { RecordingError } from "./recording-error";

function errorName(error: unknown): string {
  return typeof error === "object" && error !== null && "name" in error && typeof error.name === "string" ? error.name : "";
}

/** Turns what `getUserMedia` rejected with into a {@link RecordingError} whose message a user can act on. */
export function microphoneErrorFrom(cause: unknown): RecordingError {
  if (cause instanceof RecordingError) return cause;
  switch (errorName(cause)) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return new RecordingError("microphone-denied", "Microphone access was refused. Allow the microphone for this site (or for Telegram) in your settings and try again.", { cause });
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return new RecordingError("microphone-missing", "No microphone was found on this device.", { cause });
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return new RecordingError("microphone-busy", "The microphone could not be started. Another app may be using it.", { cause });
    case "TypeError":
      return new RecordingError("microphone-unsupported", "This browser cannot record audio here (recording needs a secure https page).", { cause });
    default:
      return new RecordingError("microphone-failed", "The microphone could not be opened.", { cause });
  }
}

// ---------------------------------------------------------------------------------------------
// The shared microphone

/** The slice of `navigator.mediaDevices` the microphone provider uses. */
export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

/** One microphone stream shared by the page; {@link createMicrophoneProvider} makes one. */
export interface MicrophoneProvider {
  /** The live stream, asking for it only when there is none (first call, or the track ended). */
  get(): Promise<MediaStream>;
  /** The stream if one is live now, without asking. */
  current(): MediaStream | null;
  /** Stops the tracks (the browser's recording indicator goes off); the next `get` asks again. */
  release(): void;
}

/** Constraints for speech: echo cancellation, noise suppression and automatic gain on, one channel. */
export const SPEECH_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  channelCount: { ideal: 1 },
};

function isLive(stream: MediaStream): boolean {
  return stream.getAudioTracks().some((track) => track.readyState === "live");
}

/**
 * A {@link MicrophoneProvider} over `devices()` (called on each request, so a page whose
 * `navigator.mediaDevices` appears late still works). Concurrent `get` calls share one request;
 * a refused request is not remembered, so the next `get` asks again.
 */
export function createMicrophoneProvider(
  devices: () => MediaDevicesLike | undefined,
  constraints: MediaTrackConstraints = SPEECH_CONSTRAINTS,
): MicrophoneProvider {
  let stream: MediaStream | null = null;
  let pending: Promise<MediaStream> | null = null;
  return {
    get() {
      if (stream !== null && isLive(stream)) return Promise.resolve(stream);
      stream = null;
      if (pending !== null) return pending;
      const mediaDevices = devices();
      if (mediaDevices === undefined || typeof mediaDevices.getUserMedia !== "function") {
        return Promise.reject(new RecordingError("microphone-unsupported", "This browser cannot record audio here (recording needs a secure https page)."));
      }
      const request = mediaDevices.getUserMedia({ audio: constraints, video: false }).then(
        (granted) => {
          if (pending === request) pending = null;
          stream = granted;
          return granted;
        },
        (cause: unknown) => {
          if (pending === request) pending = null;
          throw microphoneErrorFrom(cause);
        },
      );
      pending = request;
      return request;
    },
    current: () => (stream !== null && isLive(stream) ? stream : null),
    release() {
      stream?.getTracks().forEach((track) => track.stop());
      stream = null;
    },
  };
}

const sharedMicrophone = createMicrophoneProvider(() => (typeof navigator === "undefined" ? undefined : navigator.mediaDevices));

/**
 * The page's microphone stream: asks for permission on the first call only, and again only when
 * the previous stream's track has ended. Call it from a user gesture. Rejects with a
 * {@link RecordingError} (`microphone-denied`, `-missing`, `-busy`, `-unsupported`, `-failed`).
 * The stream stays live after a recording stops, ready for the next one.
 */
export function getSharedMicrophone(): Promise<MediaStream> {
  return sharedMicrophone.get();
}
