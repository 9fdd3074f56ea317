import { createReadStream } from "node:fs";
import { appConfig } from "@/lib/app-config";
import { findModelFile } from "@/lib/model/model-folder";

/** Serves the self-hosted model folder (`WHISPER_MODELS_DIR`) read-only, streamed from disk; see findModelFile for what is refused. */
export async function GET(_request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const dir = appConfig().modelsDir;
  if (dir === null) return new Response("self-hosted models are not configured", { status: 404 });
  const { path } = await context.params;
  const file = await findModelFile(dir, path);
  if (file === null) return new Response("not found", { status: 404 });
  return new Response(fileStream(file.path), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.size),
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
