/**
 * Whisper's input rate. Everything that reaches the model — decoded files, microphone recordings,
 * windows — is mono at this rate; resample to it at the edge, never later.
 */
export const SAMPLE_RATE = 16_000;
