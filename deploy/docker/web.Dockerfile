# The web app (pages, tRPC, webhooks, SSE): Next.js standalone output behind apps/web/server.mjs.
# Build from the repository root:  docker build -f deploy/docker/web.Dockerfile -t alert-whisperer-web .
# Base image pinned to an exact Node release (the engines range in package.json: Node 20.19+).

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
COPY . .
# npm ci runs the root postinstall (prisma generate); the build writes apps/web/.next/standalone.
RUN npm ci --no-audit --no-fund \
    && npm run build -w @aw/web \
    && cp -r apps/web/.next/static apps/web/.next/standalone/apps/web/.next/static \
    && cp apps/web/server.mjs apps/web/request-log.mjs apps/web/.next/standalone/apps/web/ \
    && mkdir -p apps/web/.next/standalone/prisma \
    && cp -r prisma/migrations apps/web/.next/standalone/prisma/migrations

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOST=0.0.0.0 PROCESS_ROLE=web
WORKDIR /app
# The standalone tree holds only the traced node_modules; prisma/migrations lets /api/ready compare.
COPY --from=build --chown=1000:1000 /src/apps/web/.next/standalone ./
# The node user of the official image (uid 1000), numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/web/server.mjs", "start"]
