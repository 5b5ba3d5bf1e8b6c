import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SCAN_CONTENT_TYPES, ScanErrorCode } from '@tally/domain';
import { HttpProblem } from '../http/problem';

export const SCAN_ROUTE = '/elections/:electionId/tallies/:pollingAreaId/:contestId/scan';

/** What these hooks read of a request (Nest's adapter carries its own copy of the fastify types). */
interface UploadRequest {
  headers: Record<string, string | string[] | undefined>;
  routeOptions: { config?: unknown };
}

const header = (request: UploadRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

const isScanUpload = (request: UploadRequest) =>
  (request.routeOptions.config as { scanUpload?: boolean } | undefined)?.scanUpload === true;

const mediaType = (header: string | undefined) => (header ?? '').split(';')[0].trim().toLowerCase();

export function unsupportedScanType(given: string): HttpProblem {
  return new HttpProblem(
    415,
    ScanErrorCode.UNSUPPORTED_TYPE,
    'Unsupported media type',
    `A scan is sent as ${SCAN_CONTENT_TYPES.join(', ')}, not ${given || 'without a Content-Type'}`,
  );
}

function scanTooLarge(limitBytes: number, which: string): HttpProblem {
  return new HttpProblem(
    413,
    ScanErrorCode.TOO_LARGE,
    'The scan is too large',
    `A scan may have at most ${limitBytes} bytes (SCAN_LIMIT_BYTES); ${which}`,
    { limitBytes },
  );
}

/**
 * The api speaks JSON everywhere except PUT …/scan, which takes the file itself as the body. Fastify's parsers belong
 * to the whole instance, so the binary parser refuses (415) on every other route, and only the scan route gets a body
 * limit of SCAN_LIMIT_BYTES (an early 413 from Content-Length; a streamed body is cut at the limit too).
 * Call before app.init(), when Nest registers the routes.
 */
export function registerScanUploads(app: NestFastifyApplication, limitBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (route.url !== SCAN_ROUTE || route.method !== 'PUT') return;
    route.bodyLimit = limitBytes;
    route.config = { ...(route.config ?? {}), scanUpload: true };
    const early = async (request: UploadRequest) => {
      const type = mediaType(header(request, 'content-type'));
      if (!(SCAN_CONTENT_TYPES as readonly string[]).includes(type)) throw unsupportedScanType(type);
      const length = Number(header(request, 'content-length'));
      if (length > limitBytes) throw scanTooLarge(limitBytes, `this one has ${length}`);
    };
    // A body streamed without Content-Length is cut by Fastify once it passes the limit: the same answer.
    const parentHandler = route.errorHandler;
    route.errorHandler = function (this: unknown, error, request, reply) {
      const cut = (error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      const answer = cut ? scanTooLarge(limitBytes, 'this one is longer') : error;
      if (parentHandler) return parentHandler.call(this as never, answer as never, request, reply);
      throw answer;
    } as typeof route.errorHandler;
    const existing = route.preParsing;
    route.preParsing = [
      ...(existing === undefined ? [] : [existing].flat()),
      early,
    ] as typeof route.preParsing;
  });
  fastify.addContentTypeParser([...SCAN_CONTENT_TYPES], { parseAs: 'buffer' }, (request, body, done) => {
    if (!isScanUpload(request)) {
      done(
        new HttpProblem(
          415,
          'REQUEST.UNSUPPORTED_MEDIA_TYPE',
          'Unsupported media type: send application/json',
          `This endpoint takes application/json, not ${mediaType(header(request, 'content-type'))}`,
        ),
        undefined,
      );
      return;
    }
    done(null, body);
  });
}
