/**
 * Reads a JSON request body with a size limit (413 beyond it) without trusting Content-Length
 * alone, and rejects non-JSON content types (415) and malformed JSON (400).
 */
import type { IncomingMessage } from "node:http";
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from "../errors";

/** Bodies up to this size are drained after a 413 so the client sees the answer, not a reset. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

/** Resolves after reading and discarding up to {@link DRAIN_LIMIT_BYTES} of what is left of `req`. */
function drain(req: IncomingMessage, alreadyRead: number): Promise<void> {
  return new Promise((resolve) => {
    let total = alreadyRead;
    const done = (): void => {
      req.off("data", onData);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > DRAIN_LIMIT_BYTES) {
        req.pause();
        done();
      }
    };
    req.on("data", onData);
    req.once("end", done);
    req.once("error", done);
    req.once("close", done);
    req.resume();
  });
}

/** Reads and parses the body of `req`; an empty body reads as `{}`. */
export async function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers["content-type"];
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(type.slice(0, 100));
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    if (declared <= DRAIN_LIMIT_BYTES) await drain(req, 0);
    throw new PayloadTooLargeError(limitBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) {
      await drain(req, size);
      throw new PayloadTooLargeError(limitBytes);
    }
    chunks.push(buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch (error) {
    throw new BadRequestError("the body is not valid JSON", { cause: error });
  }
}
