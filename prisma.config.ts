import { defineConfig } from 'prisma/config';

// The URL matters only to Prisma's own migrate commands on a machine that has its
// schema engine; kubeql applies migrations itself (`kubeql migrate`).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/kubeql' },
});
