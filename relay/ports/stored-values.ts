/**
 * Reading back what a store saved, shared by the SQLite and Redis stores: both keep users and
 * transcript segments as JSON text and job kinds and states as strings, and both must refuse
 * anything malformed with a StoreError rather than hand it on.
 */
import { type JobKind, type RelayUser } from "../../lib/relay/protocol";
import { StoreError } from "../errors";
import type { JobRecordState } from "./relay-store";
import type { Segment } from "../../lib/transcript/types";
import { parseRelayUser, parseSegment } from "../../lib/relay/parse";
import { isFailureKind, type FailureKind } from "../../lib/relay/failure-kinds";

const JOB_KIND_VALUES: readonly JobKind[] = ["voice", "audio", "video_note", "document"];
const STATE_VALUES: readonly JobRecordState[] = ["new", "pending", "claimed", "done", "failed", "expired"];

export function toKind(value: string, id: string): JobKind {
  const kind = JOB_KIND_VALUES.find((candidate) => candidate === value);
  if (kind === undefined) throw new StoreError(`job ${id} has an unknown kind "${value}"`);
  return kind;
}

export function toState(value: string, id: string): JobRecordState {
  const state = STATE_VALUES.find((candidate) => candidate === value);
  if (state === undefined) throw new StoreError(`job ${id} has an unknown state "${value}"`);
  return state;
}

/** A stored failure kind; unknown or absent values read as null (the job then counts as an unknown failure). */
export function toFailureKind(value: string | null | undefined): FailureKind | null {
  return isFailureKind(value) ? value : null;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StoreError(`stored ${what} is not JSON`, { cause: error });
  }
}

export function toUser(json: string): RelayUser {
  const parsed = parseRelayUser(parseJson(json, "user"));
  if (!parsed.ok) throw new StoreError(`stored user is malformed: ${parsed.error}`);
  return parsed.value;
}

export function toSegments(json: string | null, id: string): Segment[] {
  if (json === null) return [];
  const value = parseJson(json, `segments of job ${id}`);
  if (!Array.isArray(value)) throw new StoreError(`stored segments of job ${id} are not a list`);
  return value.map((item: unknown, index) => {
    const segment = parseSegment(item, index);
    if (!segment.ok) throw new StoreError(`stored segments of job ${id}: ${segment.error}`);
    return segment.value;
  });
}

/**
 * The stored part map of a delivery (JSON object of part index → chat message id, as both stores
 * keep it) as a record; null, empty or malformed input gives no parts, so a bad value can only
 * cause a resend, never a lost part.
 */
export function toDeliveryParts(json: string | null | undefined): Readonly<Record<number, number>> {
  if (json === null || json === undefined || json === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const parts: Record<number, number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const index = Number(key);
    const messageId = typeof value === "string" ? Number(value) : value;
    if (Number.isInteger(index) && index >= 0 && typeof messageId === "number" && Number.isSafeInteger(messageId)) parts[index] = messageId;
  }
  return parts;
}
