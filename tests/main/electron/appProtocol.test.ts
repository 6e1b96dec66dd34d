import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kioskPageHandler, kioskPageUrl, kioskScheme, registerKioskScheme } from '../../../main/electron/appProtocol';
import { contentSecurityPolicy } from '../../../main/electron/lockdown';
import { appPageOrigin } from '../../../main/electron/pageOrigin';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { FakeProtocol } from './fakeElectron';

/** The kiosk page on our own scheme: its files with our headers, and nothing else on the disk. */
describe('the kiosk page’s scheme', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let page: string;
  const csp = contentSecurityPolicy(appPageOrigin(kioskPageUrl));
  const log = createRecordingLogger();
  let handler: (request: Request) => Promise<Response>;

  beforeAll(() => {
    dir = makeTempDir();
    page = join(dir.path, 'renderer');
    mkdirSync(join(page, 'assets'), { recursive: true });
    writeFileSync(join(page, 'index.html'), '<!doctype html><title>Lanewise</title>');
    writeFileSync(join(page, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir.path, 'secret.json'), '{"laneSecret":"…"}');
    handler = kioskPageHandler(page, csp, log);
  });
  afterAll(() => dir.remove());

  const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

  it('is registered as a standard, secure scheme', () => {
    const protocol = new FakeProtocol();
    registerKioskScheme(protocol);
    expect(protocol.privileged).toEqual([{ scheme: kioskScheme, privileges: expect.objectContaining({ standard: true, secure: true }) }]);
  });

  it('serves the page’s files with the CSP, their type and nosniff', async () => {
    const index = await get(kioskPageUrl);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Lanewise</title>');
    expect(index.headers.get('content-security-policy')).toBe(csp);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await get('lanewise://kiosk/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('lanewise://kiosk/')).status).toBe(200);
  });

  it('serves nothing outside the page, for another host or a method other than GET', async () => {
    for (const url of ['lanewise://kiosk/../secret.json', 'lanewise://kiosk/%2e%2e/secret.json', 'lanewise://kiosk/assets/%2e%2e%2f%2e%2e%2fsecret.json', 'lanewise://kiosk/..%5csecret.json', 'lanewise://kiosk/assets', 'lanewise://kiosk/missing.js', 'lanewise://other/index.html', 'lanewise://kiosk/%E0%A4%A']) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('laneSecret');
      expect(response.headers.get('content-security-policy')).toBe(csp);
    }
    expect((await get(kioskPageUrl, 'POST')).status).toBe(405);
    expect(log.find('warn', 'kiosk page request outside the page refused').length).toBeGreaterThan(0);
    expect(log.find('warn', 'kiosk page request for another host refused')).toHaveLength(1);
  });
});
