import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';

export type GraphSchema = GraphQLSchema;

/**
 * A slice of the schema: SDL (may `extend type Query`, `extend type
 * Mutation`, ...) and the resolvers for what it declares.
 */
export interface GraphqlModule {
  typeDefs: string;
  // Resolver maps are shaped by their SDL; graphql-tools checks them against it.
  resolvers?: Record<string, unknown>;
}

export function makeExecutableSchemaFromModules(modules: GraphqlModule[]): GraphSchema {
  return makeExecutableSchema({
    typeDefs: modules.map((m) => m.typeDefs),
    resolvers: modules.flatMap((m) => (m.resolvers ? [m.resolvers as never] : [])),
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
