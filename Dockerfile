# syntax=docker/dockerfile:1

# Build: install every dependency, compiling better-sqlite3 from source with the
# image's toolchain (python3, make, g++) instead of fetching a prebuilt binary,
# compile TypeScript, then drop the dev dependencies.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm_config_build_from_source=better-sqlite3 npm ci
COPY . .
RUN npm run build \
  && npm prune --omit=dev \
  && mkdir -p bin

# Run: the same Debian release, so better-sqlite3 and the KurrentDB client's
# native bridge built above load as they are.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
