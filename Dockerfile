# syntax=docker/dockerfile:1
# SigSentry: one image, two roles (ROLE=api | worker). Needs an external PostgreSQL (DATABASE_URL) and the
# secrets ENCRYPTION_KEY / SESSION_SECRET at run time; nothing secret is baked in.

# ---- build: dev dependencies, the admin SPA, the server compiled by swc ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and dist/ only, non-root ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    ROLE=api \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# `node` is a devDependency (it brings Node 24 to npm scripts); the image's own Node 24 runs the server.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]
