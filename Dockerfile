# syntax=docker/dockerfile:1
# One image, both processes: the Next.js app (PORT, default 3000) and the Telegram relay
# (RELAY_PORT, default 3001), started side by side by scripts/container-start.mjs just like
# `npm start`. Compose can also run it twice (app-only and relay-only) with CONTAINER_ROLE.
#
#   docker build -t whisper-relay .
#   docker build --build-arg BASE=localhost/my-node20 -t whisper-relay .   (no registry)
#
# BASE is the runtime base, BUILD_BASE the one that builds (it needs npm, and python3/make/g++ only
# when better-sqlite3 has no prebuilt binary it can download).
ARG BASE=node:20-slim
ARG BUILD_BASE=${BASE}

FROM ${BUILD_BASE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    NEXT_PUBLIC_TEST_HOOKS= \
    npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false
# "1": compile better-sqlite3 here instead of downloading its prebuilt binary (offline builds).
ARG BUILD_FROM_SOURCE=
COPY package.json package-lock.json ./
# No install scripts: older npm ignores package.json's "allowScripts", and onnxruntime-node's
# postinstall downloads from the network. better-sqlite3, the one native module, is built on its own.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && if [ -n "$BUILD_FROM_SOURCE" ]; then export npm_config_build_from_source=true; fi \
 && npm rebuild better-sqlite3 \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"
COPY . .
# NEXT_OUTPUT=standalone (set only here) makes next.config.ts emit .next/standalone: server.js plus
# only the node_modules files the server needs.
RUN node scripts/copy-ort.mjs \
 && NEXT_OUTPUT=standalone node node_modules/next/dist/bin/next build \
 && node scripts/bundle-relay.mjs /app/relay-dist/relay.cjs

FROM ${BASE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOST=0.0.0.0 \
    RELAY_PORT=3001 \
    RELAY_STORE=sqlite:/app/data/relay.sqlite \
    MALLOC_ARENA_MAX=1 \
    MALLOC_TRIM_THRESHOLD_=0
RUN (id -u node >/dev/null 2>&1 || useradd --uid 1000 --user-group --no-create-home --shell /usr/sbin/nologin node) \
 && mkdir -p /app/data /models && chown node:node /app/data /models
COPY --from=build --chown=root:root /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/public ./public
COPY --from=build /app/relay-dist ./relay-dist
# The relay's one native dependency (the rest of it is bundled into relay.cjs).
COPY --from=build /app/node_modules/better-sqlite3 ./node_modules/better-sqlite3
COPY --from=build /app/node_modules/bindings ./node_modules/bindings
COPY --from=build /app/node_modules/file-uri-to-path ./node_modules/file-uri-to-path
COPY scripts/container-start.mjs scripts/run-together.mjs ./
USER node
VOLUME ["/app/data"]
EXPOSE 3000 3001
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RELAY_PORT||3001)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "container-start.mjs"]
