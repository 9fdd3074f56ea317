/**
 * Reads a JSON request body with a size limit without trusting Content-Length alone: a body
 * declared too large, or one that grows past the limit as chunks arrive, is answered 413 at once
 * without reading the rest (the error handler closes the connection). A JSON body must say it is JSON
 * (415 otherwise) and be valid JSON (400).
 */
import type { IncomingMessage } from "node:http";
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from "../errors";

function hasBody(req: IncomingMessage): boolean {
  const length = Number(req.headers["content-length"] ?? "0");
  return req.headers["transfer-encoding"] !== undefined || (Number.isFinite(length) && length > 0);
}

/** The body's bytes; rejects with `tooLarge()` (a 413) as soon as more than `limitBytes` arrived, leaving the rest unread. */
function readBody(req: IncomingMessage, limitBytes: number, tooLarge: () => Error = () => new PayloadTooLargeError(limitBytes)): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new BadRequestError("the request body could not be read", { cause: error }));
    };
    const onClose = (): void => {
      cleanup();
      reject(new BadRequestError("the request body was cut off"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** Reads and parses the body of `req`; an empty body reads as `{}`. */
export async function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  if (!hasBody(req)) return {};
  const type = req.headers["content-type"];
  if (type === undefined || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError((type ?? "none").slice(0, 100));
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const body = await readBody(req, limitBytes);
  const size = body.length;
  if (size === 0) return {};
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new BadRequestError("the body is not valid JSON", { cause: error });
  }
}

/**
 * Reads a body that is not JSON (an uploaded file) with the same care: a declared or actual size
 * over `limitBytes` is answered 413 with `tooLargeMessage` at once, without reading the rest.
 */
export async function readBytes(req: IncomingMessage, limitBytes: number, tooLargeMessage?: string): Promise<Buffer> {
  const tooLarge = (): PayloadTooLargeError => new PayloadTooLargeError(limitBytes, tooLargeMessage);
  if (!hasBody(req)) return Buffer.alloc(0);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge();
  return readBody(req, limitBytes, tooLarge);
}
