# One image for the worker and the API: `newsworker worker` and `newsworker serve`.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
RUN groupadd --system newsworker && useradd --system --gid newsworker --home /app newsworker \
  && mkdir -p /app/data && chown newsworker:newsworker /app/data
USER newsworker
# V8 flags: see src/config/node-flags.ts.
ENTRYPOINT ["node", "--max-semi-space-size=32", "bin/newsworker.js"]
CMD ["worker"]
