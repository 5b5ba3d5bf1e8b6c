import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';

/**
 * The press-room screen: plain files (HTML, ES modules, CSS) served at `/` through @fastify/static. `nest build`
 * copies `public/` next to this file (nest-cli.json `assets`), so the same path works from the sources and `dist/`.
 */
export const SCREEN_ROOT = join(__dirname, 'public');

export function registerScreen(app: NestFastifyApplication): void {
  app.useStaticAssets({
    root: SCREEN_ROOT,
    prefix: '/',
    // One route per file found at start-up instead of a catch-all `/*`: every other unknown path still reaches the
    // api's problem+json 404.
    wildcard: false,
    index: ['index.html'],
    decorateReply: false,
    // The screen changes with each deploy: browsers revalidate (ETag, Last-Modified) instead of caching blindly.
    maxAge: 0,
  });
}
