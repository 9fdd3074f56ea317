/** A stored job for the pure job tests: pending, in a private chat, with `patch` applied. */
import type { JobRecord } from "../../../../relay/ports/relay-store";

export function stored(patch: Partial<JobRecord> = {}): JobRecord {
  return {
    id: "j1",
    ownerId: 7,
    chatId: 7,
    sourceMessageId: 1,
    media: { fileId: "f", fileUniqueId: "u", kind: "voice", duration: 2, mime: "audio/ogg", size: 5, fileName: null },
    languageHint: null,
    createdAt: 0,
    expiresAt: 600_000,
    state: "pending",
    statusMessageId: 2,
    statusKind: "waiting",
    lease: null,
    result: null,
    failureMessage: null,
    failureKind: null,
    finishedAt: null,
    delivered: false,
    deliveryFailed: false,
    deliveryAttempts: 0,
    deliveryParts: {},
    ...patch,
  };
}
