# One image for every kubeql process; docker-compose.yml picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/prisma ./prisma
# The API keeps its TLS certificate here (a volume in docker-compose.yml).
ENV KUBEQL_DATA_DIR=/var/lib/kubeql
RUN mkdir -p /var/lib/kubeql && chown node:node /var/lib/kubeql
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/kubeql.js"]
CMD ["api"]
