import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { appConfig } from "@/lib/app-config";

const TYPES: Readonly<Record<string, string>> = {
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".onnx": "application/octet-stream",
  ".onnx_data": "application/octet-stream",
};

/** Serves the self-hosted model folder (`WHISPER_MODELS_DIR`) read-only, streamed from disk. */
export async function GET(_request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const dir = appConfig().modelsDir;
  if (dir === null) return new Response("self-hosted models are not configured", { status: 404 });
  const { path } = await context.params;
  const file = resolve(dir, ...path);
  if (!file.startsWith(dir + sep)) return new Response("not found", { status: 404 });
  const info = await stat(/*turbopackIgnore: true*/ file).catch(() => null);
  if (info === null || !info.isFile()) return new Response("not found", { status: 404 });
  return new Response(fileStream(file), {
    headers: {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Content-Length": String(info.size),
      "Cache-Control": "no-cache",
    },
  });
}

function fileStream(file: string): ReadableStream<Uint8Array> {
  const chunks = createReadStream(/*turbopackIgnore: true*/ file)[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next: IteratorResult<unknown> = await chunks.next();
      if (next.done === true) controller.close();
      else if (next.value instanceof Uint8Array) controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}
