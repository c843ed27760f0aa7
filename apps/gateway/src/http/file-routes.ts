import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { resolveSession, sessionTokenHash, type ResolvedSession } from '@parley/api';
import { fileForDownload, isDatabaseUnavailable, type Db } from '@parley/db';
import { AppError, isAppError, isInlineImageType } from '@parley/protocol';
import { fileKey, thumbnailKey, type BlobStore } from '../files/blob-store.ts';
import { contentDisposition } from '../files/file-names.ts';
import { directUnavailable, type DirectUploads } from '../files/direct-upload.ts';
import type { FileIngest } from '../files/ingest.ts';
import { tooLarge } from '../files/receive.ts';
import { drainRequest } from './drain-request.ts';
import { csrfOk, sessionTokenOf } from './session.ts';

export interface FileRouteOptions {
  db: Db;
  store: BlobStore;
  ingest: FileIngest;
  direct: DirectUploads;
  maxUploadBytes: number;
  allowedOrigins: ReadonlySet<string>;
  /** Counts one upload of `userId`; rejects with `rate_limited` past UPLOADS_PER_MINUTE. */
  countUpload: (request: FastifyRequest, reply: FastifyReply, userId: string) => Promise<void>;
}

/** Longest `name` parameter accepted (cleanFileName then keeps at most MAX_FILE_NAME_CHARS). */
const MAX_NAME_PARAM_CHARS = 1024;

/** A file response may never run as a page: no scripts, no plugins, its own opaque origin. */
const FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/** Failures as `{error, message}` with the code's HTTP status (PROTOCOL.md §11). */
function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const appError = isAppError(error) ? error : isDatabaseUnavailable(error) ? new AppError('unavailable') : null;
  if (!appError) throw error;
  return reply.code(appError.httpStatus).send({ error: appError.code, message: appError.message, ...appError.details });
}

async function sessionOf(db: Db, request: FastifyRequest): Promise<ResolvedSession> {
  const session = await resolveSession(db, sessionTokenOf(request));
  if (!session) throw new AppError('unauthorized');
  return session;
}

/**
 * `POST /files` (upload) and `GET /files/:id`, `GET /files/:id/thumbnail` (download), with the
 * session cookie. Downloads are authorized in Postgres on every request, session and
 * permission in one query (member of the message's conversation, history visibility, message
 * not deleted), so a removal on any node stops them at once; anything else is a 404 that says
 * nothing about whether the file exists.
 */
export async function registerFileRoutes(app: FastifyInstance, options: FileRouteOptions): Promise<void> {
  const { db, store } = options;

  await app.register(async (scope) => {
    // The body is the file itself, any type: handed over as a stream, never buffered or parsed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post<{ Querystring: { name?: string | string[] } }>(
      '/files',
      async (request, reply) => {
        // Refused before the body was read (or part way through it): the rest is read and
        // discarded, within bounds, so that the client gets the answer and not a reset.
        const refuse = (error: unknown) => {
          drainRequest(request.raw, 2 * options.maxUploadBytes);
          return sendError(reply, error);
        };
        try {
          const session = await sessionOf(db, request);
          if (!csrfOk(request, options.allowedOrigins)) return refuse(new AppError('forbidden_origin', 'Missing CSRF header or disallowed origin'));
          // Too large is told at once, and costs none of the per-minute uploads.
          const declared = Number(request.headers['content-length']);
          if (Number.isFinite(declared) && declared > options.maxUploadBytes) return refuse(tooLarge(options.maxUploadBytes));
          await options.countUpload(request, reply, session.user.id);
          const name = request.query.name ?? 'file';
          if (typeof name !== 'string' || name.length > MAX_NAME_PARAM_CHARS) {
            return refuse(new AppError('invalid_input', `A file name is one name of at most ${MAX_NAME_PARAM_CHARS} characters`));
          }
          const body = request.body as Readable | undefined;
          if (!body) return refuse(new AppError('invalid_input', 'The file is empty'));
          const attachment = await options.ingest(body, name, session.user.id);
          return reply.code(201).send(attachment);
        } catch (error) {
          return refuse(error);
        }
      },
    );
  });

  // Direct uploads (S3): the gateway signs, the client PUTs to the store, then completes here.
  app.post<{ Body: unknown }>('/files/direct', async (request, reply) => {
    try {
      const session = await sessionOf(db, request);
      if (!csrfOk(request, options.allowedOrigins)) throw new AppError('forbidden_origin', 'Missing CSRF header or disallowed origin');
      if (!options.direct.available) throw directUnavailable();
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as { name?: unknown; size?: unknown; type?: unknown };
      const { size } = body;
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) throw new AppError('invalid_input', 'size is the file size in bytes, at least 1');
      // Too large is told before anything is signed, and costs none of the per-minute uploads.
      if (size > options.maxUploadBytes) throw tooLarge(options.maxUploadBytes);
      await options.countUpload(request, reply, session.user.id);
      const name = body.name ?? 'file';
      if (typeof name !== 'string' || name.length > MAX_NAME_PARAM_CHARS) {
        throw new AppError('invalid_input', `A file name is one name of at most ${MAX_NAME_PARAM_CHARS} characters`);
      }
      // `type` is accepted and ignored: the type is sniffed from the bytes on completion.
      return reply.code(201).send(await options.direct.start(session.user.id, name, size));
    } catch (error) {
      return sendError(reply, error);
    }
  });
  app.post<{ Params: { uploadId: string } }>('/files/direct/:uploadId/complete', async (request, reply) => {
    try {
      const session = await sessionOf(db, request);
      if (!csrfOk(request, options.allowedOrigins)) throw new AppError('forbidden_origin', 'Missing CSRF header or disallowed origin');
      if (!options.direct.available) throw directUnavailable();
      return reply.code(201).send(await options.direct.complete(session.user.id, request.params.uploadId));
    } catch (error) {
      return sendError(reply, error);
    }
  });

  const download = (variant: 'file' | 'thumbnail') => async (request: FastifyRequest<{ Params: { id: string }; Querystring: { download?: string } }>, reply: FastifyReply) => {
    try {
      // Session and permission in one query: a download is one round trip to Postgres.
      const tokenHash = sessionTokenHash(sessionTokenOf(request));
      const answer = tokenHash === null ? { session: false as const } : await fileForDownload(db, tokenHash, request.params.id);
      if (!answer.session) throw new AppError('unauthorized');
      const found = answer.file;
      const attachment = found?.attachment;
      if (!found || !attachment || (variant === 'thumbnail' && !attachment.thumbnail)) throw new AppError('not_found', 'No such file');
      const etag = `"${variant === 'thumbnail' ? 't-' : ''}${found.sha256}"`;
      // Revalidated every time (no-cache): the permission check runs on each use, even cached.
      reply.header('cache-control', 'private, no-cache').header('etag', etag).header('x-content-type-options', 'nosniff');
      reply.header('content-security-policy', FILE_CSP);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      const object = await store.get(variant === 'thumbnail' ? thumbnailKey(attachment.id) : fileKey(attachment.id));
      if (!object) throw new AppError('not_found', 'No such file');
      // Inline only for an image type verified by decoding every pixel (so it has a size and a
      // thumbnail); anything else, a truncated image included, downloads.
      const verifiedImage = isInlineImageType(attachment.mime) && attachment.width !== null && attachment.thumbnail !== null;
      const inline = variant === 'thumbnail' || (verifiedImage && request.query.download !== '1');
      reply
        .header('content-type', variant === 'thumbnail' ? 'image/webp' : inline ? attachment.mime : 'application/octet-stream')
        .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', attachment.name))
        .header('content-length', String(object.size));
      return reply.send(object.body);
    } catch (error) {
      return sendError(reply, error);
    }
  };
  app.get('/files/:id', download('file'));
  app.get('/files/:id/thumbnail', download('thumbnail'));
}
