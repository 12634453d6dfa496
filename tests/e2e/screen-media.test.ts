// The media screen by touch, against the real simulator core: the player's state is the core's (the same the
// music bar shows), each control sends the media intents voice uses, genres start music with media.play,
// and while moving the genre list keeps within the policy's list limit. Runs after the build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, warnSkipped } from '../support/chromium.js';
import { expectTouchTargets, openScreenHarness, WAIT_MS, type ScreenHarness } from '../support/screen-harness.js';

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/screen-media.test.ts');

(executablePath ? describe : describe.skip)('media screen in Chromium', () => {
  let h: ScreenHarness;
  const player = () => h.sim.player.snapshot();

  beforeAll(async () => {
    h = await openScreenHarness(executablePath!);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows nothing playing, the controls and the genres, with large targets', async () => {
    await h.page.getByTestId('nav-media').click();
    await h.page.getByTestId('screen-media').getByRole('heading', { level: 1, name: 'Media' }).waitFor();
    await h.page.getByTestId('media-screen-now').filter({ hasText: 'No music playing' }).waitFor();
    expect(await h.page.getByTestId('media-screen-genres').getByRole('button').allTextContents()).toEqual(['Jazz', 'Pop', 'Rock', 'Classical', 'Dangdut', 'Keroncong']);
    await expectTouchTargets(h.page, 'screen-media');
  });

  it('plays a genre with media.play, and the screen and the music bar follow the player', async () => {
    const playing = await h.tap('media-genre-jazz');
    expect(playing.trace).toMatchObject({ intent: 'media.play', source: 'touch', slots: { query: 'jazz' } });
    expect(player().status).toBe('playing');
    expect(player().track?.genre).toMatch(/Jazz|爵士/);
    const title = player().track!.title;
    await h.page.getByTestId('media-screen-title').filter({ hasText: title }).waitFor();
    await h.page.getByTestId('media-now').filter({ hasText: title }).waitFor();
    expect(await h.page.getByTestId('touch-reply').textContent()).toBe(playing.text);

    const dangdut = await h.tap('media-genre-dangdut');
    expect(dangdut.trace?.slots).toEqual({ query: 'dangdut' });
    expect(player().track?.genre).toBe('Dangdut');
  });

  it('pauses, resumes, skips and goes back', async () => {
    await h.tap('media-genre-jazz');
    expect(player().count).toBeGreaterThan(1);
    await h.tap('media-screen-pause');
    expect(player().status).toBe('paused');
    await h.page.locator('[data-testid="media-screen-now"][data-status="paused"]').waitFor();
    await h.page.locator('[data-testid="media-bar"][data-status="paused"]').waitFor();
    await h.tap('media-screen-play');
    expect(player().status).toBe('playing');
    const first = player().track!.id;
    await h.tap('media-screen-next');
    expect(player().index).toBe(1);
    expect(player().track!.id).not.toBe(first);
    await h.page.getByTestId('media-screen-title').filter({ hasText: player().track!.title }).waitFor();
    await h.tap('media-screen-previous');
    expect(player().track!.id).toBe(first);
  });

  it('changes the volume and mutes through media.volume', async () => {
    const start = player().volume;
    await h.tap('media-screen-louder');
    expect(player().volume).toBe(start + 10);
    await h.page.getByTestId('media-screen-volume').filter({ hasText: String(start + 10) }).waitFor();
    // The music bar shows the same value: one state, the core's.
    await h.page.getByTestId('media-volume').filter({ hasText: String(start + 10) }).waitFor();
    await h.tap('media-screen-quieter');
    expect(player().volume).toBe(start);
    await h.tap('media-screen-mute');
    expect(player().muted).toBe(true);
    await h.page.locator('[data-testid="media-screen-mute"][aria-pressed="true"]').waitFor();
    await h.page.getByTestId('media-screen-volume').filter({ hasText: 'Muted' }).waitFor();
    await h.tap('media-screen-mute');
    expect(player().muted).toBe(false);
    expect(player().volume).toBe(start);
  });

  it('keeps the genre list within the policy’s list limit while moving', async () => {
    await h.simSet({ 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' });
    await expect.poll(() => h.sim.assistant.snapshot().restrictions.moving, { timeout: WAIT_MS }).toBe(true);
    const max = h.sim.assistant.snapshot().restrictions.maxListItems;
    expect(max).toBeLessThanOrEqual(6);
    await h.page.getByTestId('moving-badge').waitFor();
    expect(await h.page.getByTestId('media-screen-genres').getByRole('button').count()).toBeLessThanOrEqual(max);
    // The controls still work while moving.
    await h.tap('media-screen-pause');
    expect(player().status).toBe('paused');
    await h.simSet({ 'Vehicle.Speed': 0, 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' });
    await expect.poll(() => h.sim.assistant.snapshot().restrictions.moving, { timeout: WAIT_MS }).toBe(false);
    expect(await h.page.getByTestId('media-screen-genres').getByRole('button').count()).toBe(6);
  });

  it('takes screenshots at 1280×720 and 1920×720, day and night', async () => {
    // A track with a Latin title: the test machine's Chromium may lack CJK fonts.
    await h.tap('media-genre-classical');
    await h.tap('media-screen-pause');
    const files = await h.screenshots('media', () => h.page.getByTestId('media-screen-title').waitFor());
    expect(files).toHaveLength(4);
    expect(h.pageErrors).toEqual([]);
  });
});
