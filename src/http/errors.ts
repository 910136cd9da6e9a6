/**
 * Every error leaves the server as `{error, message}`: `error` a stable code, `message` for a
 * person, never a stack trace. Unexpected errors are logged in full (with the request id) and
 * answered with a generic 500 naming that id, so an operator can find the log line.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { StoreError } from '../store/index.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Fastify's own error codes, as the API names them. */
const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'bad_request'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'bad_request'],
};

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.statusCode).send({ error: err.code, message: err.message });
    const fe = err as FastifyError;
    if (fe.validation) return reply.code(400).send({ error: 'bad_request', message: fe.message });
    const known = fe.code === undefined ? undefined : FASTIFY_CODES[fe.code];
    if (known) return reply.code(known[0]).send({ error: known[1], message: fe.message });
    if (err instanceof StoreError) {
      if (err.reason === 'invalid_query' || err.reason === 'invalid_cursor') {
        return reply.code(400).send({ error: err.reason, message: err.message });
      }
      req.log.error({ err }, 'store error');
      return reply.code(503).send({ error: 'store_unavailable', message: `the database failed (${err.reason}); request ${req.id}` });
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: STATUS_CODES[status] ?? 'bad_request', message: fe.message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: `internal error; request ${req.id}` });
  });
}
