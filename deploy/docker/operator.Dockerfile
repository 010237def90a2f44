# The Kubernetes operator (charts/alert-whisperer-operator): forwards cluster alerts upstream and
# keeps the site's SSM hybrid activation. Runs operator/src/main.ts through tsx (`npm start` there).
# Build from the repository root:  docker build -f deploy/docker/operator.Dockerfile -t alert-whisperer-operator .

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /src
ENV CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
COPY . .
# Only the operator workspace and the root (tsx); no lifecycle scripts (the root postinstall
# generates the Prisma client, which the operator does not use).
RUN npm ci --no-audit --no-fund --ignore-scripts --workspace @aw/operator --include-workspace-root \
    && npm cache clean --force

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build --chown=1000:1000 /src ./
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=20s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
WORKDIR /app/operator
CMD ["node", "--import", "tsx", "src/main.ts"]
