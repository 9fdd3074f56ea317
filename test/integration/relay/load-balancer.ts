/**
 * A round-robin HTTP load balancer on 127.0.0.1 for tests and the load script: each request goes
 * to the next live target, streamed both ways (so event streams and audio pass through). A target
 * that refuses the connection is skipped for that request, as a real balancer's health check would.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running balancer. */
export interface LoadBalancer {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** Requests sent to each target, by target URL. */
  readonly counts: Map<string, number>;
  /** Replaces the targets (a relay was added or removed). */
  setTargets(targets: readonly string[]): void;
  close(): Promise<void>;
}

/** Starts a balancer in front of `targets` (base URLs such as http://127.0.0.1:3001). */
export async function startLoadBalancer(targets: readonly string[]): Promise<LoadBalancer> {
  let list = [...targets];
  let next = 0;
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const forward = (attempt: number): void => {
      const target = list[next % Math.max(1, list.length)];
      next += 1;
      if (target === undefined) {
        res.writeHead(503).end("no targets");
        return;
      }
      counts.set(target, (counts.get(target) ?? 0) + 1);
      const upstream = request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNREFUSED" && attempt < list.length && !res.headersSent) {
          forward(attempt + 1);
          return;
        }
        console.warn(`load balancer: ${req.method} ${req.url?.split("?")[0]} to ${target} failed: ${error.code ?? error.message}`);
        if (!res.headersSent) res.writeHead(502).end("bad gateway");
        else res.destroy();
      });
      // The browser went away mid-response (an event stream closed): stop the upstream request too.
      // Not after a complete response: its socket is back in the keep-alive pool by then.
      res.on("close", () => {
        if (!res.writableFinished) upstream.destroy();
      });
      // The body is buffered once so a refused attempt can be retried on the next target.
      upstream.end(body);
    };
    const chunks: Buffer[] = [];
    let body: Buffer = Buffer.alloc(0);
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      body = Buffer.concat(chunks);
      forward(1);
    });
  });
  // Longer than clients keep idle connections, so a reused connection is never closed under them.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? (address satisfies AddressInfo).port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setTargets(targets) {
      list = [...targets];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
