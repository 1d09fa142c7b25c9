# Gerbang container image. Minimal for now; the deployment work hardens it (multi-stage,
# read-only root filesystem, healthcheck). No secret is ever copied into a layer: mount them.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    GERBANG_DATA_DIR=/var/lib/gerbang \
    GERBANG_CONFIG=/etc/gerbang/gerbang.json
WORKDIR /opt/gerbang
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY gateway ./gateway
COPY adapters ./adapters
COPY policies ./policies
COPY audit ./audit
COPY certs ./certs
COPY tsconfig.json ./
RUN mkdir -p /var/lib/gerbang && chown node:node /var/lib/gerbang
USER node
EXPOSE 8443
VOLUME ["/var/lib/gerbang"]
ENTRYPOINT ["node", "bin/gerbang.js"]
CMD ["serve"]
