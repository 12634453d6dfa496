// `kemudi media` through the real binary: JSON lines, the data-dir database, exit 2 on usage mistakes.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSampleMusic, SAMPLE_TRACKS } from '../../main/simulator/sample-music.js';
import { kemudi, ROOT } from '../support/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kemudi-cli-media-'));
const env = { KEMUDI_DATA_DIR: dataDir };
const music = join(dataDir, 'music');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface TrackLine {
  id: number;
  path: string;
  title: string;
  artist: string | null;
  album: string | null;
  genre: string | null;
  durationMs: number | null;
  lang: string | null;
}

const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as TrackLine);

describe('kemudi media', () => {
  it('imports a folder into the data dir, once, lists it and searches it', () => {
    const files = ensureSampleMusic(music);
    writeFileSync(join(music, 'broken.mp3'), Buffer.alloc(2_000, 1));
    const first = kemudi(['media', 'import', music], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { dir: music, added: SAMPLE_TRACKS.length, updated: 0, removed: 0, skipped: 0, errors: [{ file: join(music, 'broken.mp3'), message: expect.any(String) }] },
    ]);
    unlinkSync(join(music, 'broken.mp3'));
    unlinkSync(files[0] ?? '');
    const again = kemudi(['media', 'import', music], { env });
    expect(JSON.parse(again.lines[0] ?? '{}')).toEqual({ dir: music, added: 0, updated: 0, removed: 1, skipped: SAMPLE_TRACKS.length - 1, errors: [] });

    const list = kemudi(['media', 'list'], { env });
    expect(list.code).toBe(0);
    const tracks = parse(list.lines);
    expect(tracks).toHaveLength(SAMPLE_TRACKS.length - 1);
    expect(tracks.find((t) => t.title === '晴天小调')).toMatchObject({ artist: '周杰伦', album: '夏日车窗', genre: '流行', lang: 'zh', durationMs: 3_520 });

    const raisa = kemudi(['media', 'search', 'putar lagu Raisa', '--lang', 'id'], { env });
    expect(raisa.code).toBe(0);
    expect(parse(raisa.lines).map((t) => t.title).sort()).toEqual(['Hujan di Jendela', 'Kala Senja']);
    expect(parse(kemudi(['media', 'search', '周杰伦的歌'], { env }).lines).map((t) => t.title)).toEqual(['晴天小调']);
    expect(parse(kemudi(['media', 'search', '爵士乐', '--lang', 'zh'], { env }).lines).map((t) => t.title)).toEqual(['夜路爵士']);
    const none = kemudi(['media', 'search', 'NEAR("'], { env });
    expect([none.code, none.stdout, none.stderr]).toEqual([0, '', '']);
  });

  it('exits 2 on a usage mistake', () => {
    for (const args of [['media'], ['media', 'import', 'a', 'b'], ['media', 'list', '--lang', 'en'], ['media', 'search', 'jazz', '--lang', 'fr'], ['media', 'play']]) {
      const run = kemudi(args, { env });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^kemudi: /);
    }
  });

  it('exits 2 on a folder that is not there, or a file', () => {
    const missing = kemudi(['media', 'import', join(dataDir, 'nope')], { env });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/cannot read .*nope: no such folder/)]);
    const file = kemudi(['media', 'import', join(ROOT, 'package.json')], { env });
    expect([file.code, file.stderr]).toEqual([2, expect.stringMatching(/is not a folder/)]);
  });
});
