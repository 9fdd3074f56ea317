/** The small HTTP client the relay memory and soak scripts use as a simulated browser session. */
import { get, request } from "node:http";
import { MB } from "../relay-script-support";

/** A JSON answer: the status and the parsed body (the raw text when it is not JSON). */
export interface JsonAnswer {
  readonly status: number;
  readonly json: unknown;
}

/** One request with an optional bearer token and JSON body. */
export function httpJson(method: string, url: string, token: string | null, body?: unknown): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(text === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(text) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = raw.length === 0 ? null : JSON.parse(raw);
          } catch {
            json = raw;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

/** `value[key]` when `value` is an object. */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}

/** Downloads the audio, pausing `pauseMs` once after the first megabyte; resolves with the byte count. */
export function download(url: string, token: string, pauseMs = 500): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`audio answered ${res.statusCode}`));
        return;
      }
      let bytes = 0;
      let paused = false;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (!paused && bytes > MB && pauseMs > 0) {
          paused = true;
          res.pause();
          setTimeout(() => res.resume(), pauseMs);
        }
      });
      res.on("end", () => resolve(bytes));
      res.on("error", reject);
    }).on("error", reject);
  });
}
