import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApiError, toApiError } from '../errors.js';
import { StoreError } from '../../store/errors.js';

/** A GraphQL error carrying the Kubernetes reason in extensions.code, as REST carries it in Status. */
export function graphqlError(err: ApiError): GraphQLError {
  const status = err.toStatus();
  return new GraphQLError(err.message, {
    extensions: {
      code: err.reason,
      status: err.code,
      ...(status.details?.causes ? { causes: status.details.causes } : {}),
      ...(status.details?.retryAfterSeconds !== undefined ? { retryAfterSeconds: status.details.retryAfterSeconds } : {}),
    },
  });
}

// Codes GraphQL itself produces (parse and validation failures, our limits) pass through.
const GRAPHQL_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'QueryTooComplex', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Apollo's formatError: Kubernetes errors keep their reason; anything unknown
 * is masked as InternalError (its details go to the log, not the client).
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, onInternal: (err: unknown) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  // Store errors already carry Kubernetes' reason and wording (NotFound, Conflict, Expired, ...).
  if (original instanceof ApiError || original instanceof StoreError) {
    const apiError = toApiError(original);
    return { ...formatted, message: apiError.message, extensions: graphqlError(apiError).extensions };
  }
  if (original instanceof GraphQLError) {
    const code = original.extensions.code;
    if (typeof code === 'string' && (GRAPHQL_CODES.has(code) || /^[A-Z][A-Za-z]+$/.test(code))) return formatted;
  }
  if (typeof formatted.extensions?.code === 'string' && GRAPHQL_CODES.has(formatted.extensions.code)) return formatted;
  onInternal(original);
  const internal = toApiError(original);
  return { message: internal.message, ...(formatted.path ? { path: formatted.path } : {}), ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: { code: internal.reason, status: internal.code } };
}
