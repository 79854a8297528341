import { makeExecutableSchemaFromModules, type GraphqlModule, type GraphSchema } from './modules.js';
import { versionInfo } from '../version.js';
import type { GraphqlContext } from './context.js';
import { objectResolvers } from './object-resolvers.js';
import { objectTypeDefs } from './object-types.js';
import { subscriptions } from './subscriptions.js';
import { mutationModule } from './mutations.js';

// The base of the schema: scalars and the root fields every build has. Feature
// modules (objects, relationships, mutations, subscriptions) extend it.
const base: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    "Any JSON value (Kubernetes objects, raw fields)."
    scalar JSON

    "The Kubernetes version this API serves, as /version reports it."
    type Version {
      major: String!
      minor: String!
      gitVersion: String!
      platform: String!
    }

    "Who the caller is and which cluster the request acts on."
    type Viewer {
      username: String!
      groups: [String!]!
      cluster: String!
    }

    type Query {
      version: Version!
      viewer: Viewer!
    }
  `,
  resolvers: {
    Query: {
      version: () => versionInfo(),
      viewer: (_: unknown, __: unknown, ctx: GraphqlContext) => ({ username: ctx.identity.username, groups: ctx.identity.groups, cluster: ctx.cluster }),
    },
  },
};

// Typed objects, connections and relationships over the ObjectService.
const objects: GraphqlModule = { typeDefs: objectTypeDefs, resolvers: objectResolvers() };

/** kubeql's schema: the base, every feature module, then any extra modules. */
export function createGraphqlSchema(modules: GraphqlModule[] = []): GraphSchema {
  return makeExecutableSchemaFromModules([base, objects, subscriptions, mutationModule, ...modules]);
}
