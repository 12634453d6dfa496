// The Electron shell's part in speech recognition (main/app/security.ts, main/app/media-protocol.ts): worker
// scripts get their own policy (vosk-browser's glue needs 'unsafe-eval'; the page never does), and an installed
// voice model reaches the recognizer worker as `kemudi-media://voice/<id>`, by manifest id only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { voiceModelResponse } from '../../main/app/media-protocol.js';
import { APP_CSP, APP_WORKER_CSP, cspFor, mediaVoiceId, requestAllowed } from '../../main/app/security.js';

const renderer = join('/opt', 'kemudi', 'dist', 'renderer');
const file = (path: string): string => pathToFileURL(join(renderer, path)).href;

describe('the policy for each response', () => {
  it('gives the eval-allowing worker policy to the recognizer worker only', () => {
    expect(cspFor(file('workers/recognizer-worker-AbC123.js'), renderer)).toBe(APP_WORKER_CSP);
    // The wake-word worker and the capture worklet need no eval: the page's policy.
    expect(cspFor(file('workers/wakeword-worker-B2mtMthQ.js'), renderer)).toBe(APP_CSP);
    expect(cspFor(file('workers/capture-worklet-qaByNzmg.js'), renderer)).toBe(APP_CSP);
    expect(cspFor(file('workers/recognizer-worker-x.js.map'), renderer)).toBe(APP_CSP);
    expect(cspFor(file('index.html'), renderer)).toBe(APP_CSP);
    expect(cspFor(file('assets/index-AbC.js'), renderer)).toBe(APP_CSP);
    expect(cspFor(file('workers/notes.txt'), renderer)).toBe(APP_CSP);
    // Outside the build, another scheme, nonsense: the page's policy.
    expect(cspFor(pathToFileURL('/tmp/workers/x.js').href, renderer)).toBe(APP_CSP);
    expect(cspFor(`${file('assets')}/../../workers/x.js`, renderer)).toBe(APP_CSP);
    expect(cspFor('https://example.com/workers/x.js', renderer)).toBe(APP_CSP);
    expect(cspFor('kemudi-media://voice/x', renderer)).toBe(APP_CSP);
    expect(cspFor('not a url', renderer)).toBe(APP_CSP);
  });

  it("keeps 'unsafe-eval' out of the page's policy, and the worker's reaching nothing remote", () => {
    expect(APP_CSP).not.toContain("'unsafe-eval'");
    expect(APP_WORKER_CSP).toContain("'unsafe-eval'");
    expect(APP_WORKER_CSP).toContain("default-src 'none'");
    expect(APP_WORKER_CSP).not.toMatch(/https?:|ws:|\*/);
  });
});

describe('kemudi-media://voice/<id>', () => {
  it('takes a manifest-like id, never a path', () => {
    expect(mediaVoiceId('kemudi-media://voice/vosk-model-small-en-us-0.15')).toBe('vosk-model-small-en-us-0.15');
    for (const url of ['kemudi-media://voice/', 'kemudi-media://voice/a/b', 'kemudi-media://voice/..%2Fx', 'kemudi-media://voice/Upper', 'kemudi-media://tracks/1', 'file:///voice/x', 'kemudi-media://voice/a..b']) {
      expect(mediaVoiceId(url), url).toBeNull();
    }
    expect(requestAllowed('kemudi-media://voice/vosk-model-small-en-us-0.15', renderer)).toBe(true);
    expect(requestAllowed('kemudi-media://voice/a/b', renderer)).toBe(false);
  });

  const dir = mkdtempSync(join(tmpdir(), 'kemudi-voice-protocol-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers with the installed archive, 404 otherwise, and HEAD without a body', async () => {
    const archive = join(dir, 'model.tar.gz');
    writeFileSync(archive, Buffer.from([0x1f, 0x8b, 8, 0, 9, 9]));
    const files = (id: string): string | null => (id === 'installed' ? archive : id === 'vanished' ? join(dir, 'gone.tar.gz') : null);
    const response = voiceModelResponse({ url: 'kemudi-media://voice/installed' }, files);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0x1f, 0x8b, 8, 0, 9, 9]));
    const head = voiceModelResponse({ url: 'kemudi-media://voice/installed', method: 'HEAD' } as { url: string }, files);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('6');
    expect(await head.text()).toBe('');
    for (const url of ['kemudi-media://voice/missing', 'kemudi-media://voice/vanished', 'kemudi-media://voice/../x']) {
      expect(voiceModelResponse({ url }, files).status, url).toBe(404);
    }
  });
});
