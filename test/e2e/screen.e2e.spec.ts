import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCREEN_ROOT } from '../../apps/api/src/screen/screen';
import { startTestApi, TestApi } from '../support/api';

/** The press-room screen's files as the api serves them (the browser specs drive the page itself). */
describe('press-room screen files', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  const get = (url: string) => api.app.inject({ method: 'GET', url });

  it('serves the page at / and its modules, styles and icon from the same origin', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<script type="module" src="/js/main.js"></script>');
    expect(page.body).toContain('<link rel="stylesheet" href="/screen.css" />');

    const files: Array<[string, RegExp]> = [
      ['/js/main.js', /^text\/javascript|^application\/javascript/],
      ['/js/render.js', /^text\/javascript|^application\/javascript/],
      ['/screen.css', /^text\/css/],
      ['/favicon.svg', /^image\/svg\+xml/],
    ];
    for (const [url, type] of files) {
      const response = await get(url);
      expect([url, response.statusCode]).toEqual([url, 200]);
      expect(response.headers['content-type']).toMatch(type);
    }
  });

  it('has no inline scripts, inline styles or foreign origins (CSP default-src self)', () => {
    const html = readFileSync(join(SCREEN_ROOT, 'index.html'), 'utf8');
    expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const sources = readdirSync(join(SCREEN_ROOT, 'js')).map((f) =>
      readFileSync(join(SCREEN_ROOT, 'js', f), 'utf8'),
    );
    for (const text of [html, ...sources, readFileSync(join(SCREEN_ROOT, 'screen.css'), 'utf8')]) {
      expect(text).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      expect(text).not.toMatch(/innerHTML|insertAdjacentHTML|eval\(|new Function/);
    }
  });

  it('leaves every other path to the api: unknown ones are still problem+json 404', async () => {
    const unknown = await get('/no-such-page');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(unknown.body).code).toBe('ROUTE.NOT_FOUND');
    const outside = await get('/../package.json');
    expect(outside.statusCode).toBe(404);
    const list = await get('/elections');
    expect([list.statusCode, JSON.parse(list.body)]).toEqual([200, { elections: [] }]);
  });
});
