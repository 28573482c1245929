# The API serving the web build, for docker-compose.yml (a production-like stack).
# Stage 1 installs everything and builds the SPA; stage 2 keeps the API's production
# dependencies, its sources (run by tsx, as `pnpm start` does) and the built SPA.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@10.34.9
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc turbo.json tsconfig.base.json eslint.config.js ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY packages/schema/package.json packages/schema/
COPY packages/db/package.json packages/db/
COPY packages/api/package.json packages/api/
COPY packages/client/package.json packages/client/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile
COPY apps apps
COPY packages packages
RUN pnpm --filter @taskboard/web build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY --from=build /app/package.json /app/pnpm-lock.yaml /app/pnpm-workspace.yaml /app/.npmrc /app/tsconfig.base.json ./
COPY --from=build /app/apps/api apps/api
COPY --from=build /app/apps/web/package.json apps/web/package.json
COPY --from=build /app/apps/web/dist apps/web/dist
COPY --from=build /app/packages/schema packages/schema
COPY --from=build /app/packages/db packages/db
COPY --from=build /app/packages/api packages/api
# The other workspace manifests, so the install below matches the lockfile's workspace.
COPY --from=build /app/packages/client/package.json packages/client/package.json
COPY --from=build /app/bench/package.json bench/package.json
# Only the API and the workspace packages it runs on, without dev dependencies.
RUN rm -rf apps/api/node_modules packages/*/node_modules \
  && pnpm install --frozen-lockfile --prod --filter @taskboard/server... \
  && mkdir -p /data && chown node:node /data
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    WEB_DIST_DIR=/app/apps/web/dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["apps/api/node_modules/.bin/tsx", "apps/api/src/main.ts"]
