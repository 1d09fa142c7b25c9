# syntax=docker/dockerfile:1
# Gerbang container image: built with the development tools, run with production dependencies
# only, as a non-root user, on a read-only root filesystem (only /var/lib/gerbang is written).
# No secret is ever copied into a layer: the configuration and the secrets are mounted at run
# time (deploy/compose.yaml shows both the demo and a production layout). docs/operations.md,
# "Container", covers building and running; hadolint passes on it where installed.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# better-sqlite3 and pcsclite compile from source.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libpcsclite-dev \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY gateway ./gateway
COPY adapters ./adapters
COPY policies ./policies
COPY audit ./audit
COPY certs ./certs
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS run
# The PC/SC library, so that the same image can run a reader agent beside a mounted pcscd socket.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcsclite1 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/gerbang /etc/gerbang \
 && chown node:node /var/lib/gerbang \
 && chmod 0700 /var/lib/gerbang
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=192 \
    GERBANG_DATA_DIR=/var/lib/gerbang \
    GERBANG_CONFIG=/etc/gerbang/gerbang.json
WORKDIR /opt/gerbang
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY docs ./docs
USER node
EXPOSE 8443
VOLUME ["/var/lib/gerbang"]
# Liveness: a TLS handshake with the local gateway presenting its configured certificate
# (no request, so nothing is audited). Readiness is GET /readyz with an officer certificate.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/gateway/cli/main.js", "health"]
ENTRYPOINT ["node", "dist/gateway/cli/main.js"]
CMD ["serve"]
