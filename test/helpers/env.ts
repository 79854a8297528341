// The PostgreSQL and Redis that `npm test` started for this run.

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: run tests through \`npm test\` (it starts PostgreSQL and Redis), e.g. npm test -- test/store`);
  }
  return value;
}

export const testDatabaseUrl = (): string => required('DATABASE_URL');
export const testRedisUrl = (): string => required('REDIS_URL');

let counter = 0;
/** A cluster name no other test uses, so tests can share one database. */
export function uniqueClusterName(prefix = 't'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}
