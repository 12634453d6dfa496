// The Messages screen by touch, against the real simulator core: the conversations come from the core's
// `messages` list (short and without texts while moving), "Read aloud" is messaging.read, a quick reply is
// messaging.send (read back, confirmed, then on the phone), "Dictate" wakes Kemudi. Runs after the build.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListEvent } from '../../common/contract.js';
import { findChromium, warnSkipped } from '../support/chromium.js';
import { expectTouchTargets, openScreenHarness, screensDir, WAIT_MS, type ScreenHarness } from '../support/screen-harness.js';

const MOVING = { 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' } as const;
const PARKED = { 'Vehicle.Speed': 0, 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' } as const;
/** Who wrote before the test starts: more conversations than the moving limit (6). */
const SEED: readonly (readonly [string, string])[] = [
  ['Budi Santoso', 'Meeting moved to three'],
  ['Dewi Lestari', 'Can you pick up bread?'],
  ['Agus Salim', 'Sudah sampai?'],
  ['Rina', 'Thanks for yesterday'],
  ['Siti Rahayu', 'Call me when you can'],
  ["Kevin O'Brien", 'Flight lands at 6'],
  ['Mom', 'Dinner on Sunday?'],
  ['+6281299990000', 'Paket sudah dikirim'],
];
const INCOMING = 'Traffic is bad, take the toll road';

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/screen-messages.test.ts');

(executablePath ? describe : describe.skip)('messages screen in Chromium', () => {
  let h: ScreenHarness;
  const threads = () => h.page.getByTestId('message-thread');
  const lists: ListEvent[] = [];
  const dialogue = () => h.sim.assistant.snapshot().dialogue;
  const sari = () => h.sim.contacts.resolve('Sari Wulandari')[0]!.contact;

  beforeAll(async () => {
    h = await openScreenHarness(executablePath!);
    h.sim.assistant.on((event) => {
      if (event.type === 'list' && event.what === 'messages') lists.push(event);
    });
    for (const [from, body] of SEED) {
      const contact = h.sim.contacts.resolve(from)[0]?.contact;
      const number = contact?.numbers[0]?.number ?? from;
      expect(h.sim.phone.receive({ from: number, body, ...(contact ? { contactId: contact.id } : {}) }).ok).toBe(true);
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lists every conversation parked, with its newest text and unread count', async () => {
    await h.page.getByTestId('nav-messages').click();
    await h.page.getByTestId('screen-messages').getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
    await expect.poll(() => threads().count(), { timeout: WAIT_MS }).toBe(SEED.length);
    const text = await h.page.getByTestId('messages-list').textContent();
    for (const [, body] of SEED) expect(text).toContain(body);
    expect(await h.page.getByTestId('message-unread').count()).toBe(SEED.length);
    await expectTouchTargets(h.page, 'screen-messages');
  });

  it('shows a message that comes in from the simulator at once', async () => {
    expect((await h.sim.assistant.handle({ type: 'sim.message', from: 'Sari Wulandari', text: INCOMING })).ok).toBe(true);
    const first = threads().first();
    await first.filter({ hasText: INCOMING }).waitFor();
    expect(await first.textContent()).toContain('Sari Wulandari');
    expect(await threads().count()).toBe(SEED.length + 1);
    // Kemudi offers to read it; declined here by touch, so the screen's own button does the reading.
    if (dialogue() === 'confirming') await h.page.locator('.confirm-no').click();
    await expect.poll(async () => {
      if (dialogue() === 'speaking') await h.sim.assistant.handle({ type: 'spoken' });
      return dialogue();
    }, { timeout: WAIT_MS }).toBe('idle');
  });

  it('reads the chosen conversation aloud through messaging.read', async () => {
    await threads().filter({ hasText: 'Sari Wulandari' }).click();
    await h.page.getByTestId('messages-actions').getByRole('heading', { name: 'Conversation with Sari Wulandari' }).waitFor();
    expect(h.sim.messages.unreadCount(sari().id)).toBe(1);
    const read = await h.tap('message-read');
    expect(read.trace?.intent).toBe('messaging.read');
    expect(read.trace?.source).toBe('touch');
    expect(read.text).toContain(INCOMING);
    // Read now: the core pushes a fresh list, and the badge is gone.
    expect(h.sim.messages.unreadCount(sari().id)).toBe(0);
    await threads().filter({ hasText: 'Sari Wulandari' }).and(h.page.locator('[data-unread="false"]')).waitFor();
  });

  it('sends a quick reply only after the read-back is confirmed', async () => {
    const before = h.responses.length;
    await h.page.getByTestId('message-reply-onMyWay').click();
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('confirming');
    const readback = h.responses[before]!;
    expect(readback.trace?.intent).toBe('messaging.send');
    expect(readback.text).toContain('On my way');
    expect(h.sim.phone.delivered()).toEqual([]);
    await h.page.locator('.confirm-yes').click();
    const number = sari().numbers[0]!.number.replace(/[^\d+]/g, '');
    await expect.poll(() => h.sim.phone.delivered().map((d) => [d.to, d.body]), { timeout: WAIT_MS }).toEqual([[number, 'On my way']]);
    // In the outbox, then in the conversation as the driver's newest message.
    expect(h.sim.outbox.list().map((item) => [item.body, item.state])).toEqual([['On my way', 'sent']]);
    await threads().first().filter({ hasText: 'You: On my way' }).waitFor();
    await expect.poll(async () => {
      if (dialogue() === 'speaking') await h.sim.assistant.handle({ type: 'spoken' });
      return dialogue();
    }, { timeout: WAIT_MS }).toBe('idle');
  });

  it('dictates by waking Kemudi, with no keyboard of its own', async () => {
    expect(await h.page.getByTestId('screen-messages').locator('input, textarea').count()).toBe(0);
    await h.page.getByTestId('message-dictate').click();
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('listening');
    await h.sim.assistant.handle({ type: 'cancel' });
    await expect.poll(dialogue, { timeout: WAIT_MS }).toBe('idle');
    await h.page.getByTestId('talk-overlay').waitFor({ state: 'detached' });
  });

  it('shows at most six conversations and no message text while moving, all of them again parked', async () => {
    await h.simSet(MOVING);
    await expect.poll(() => threads().count(), { timeout: WAIT_MS }).toBe(6);
    expect(lists.at(-1)?.items.every((item) => item.type === 'thread' && item.text === undefined)).toBe(true);
    expect(await h.page.getByTestId('message-text').count()).toBe(0);
    // No message text anywhere in the list (the quick replies' own words are the buttons').
    const shown = (await h.page.getByTestId('messages-list').textContent()) ?? '';
    for (const body of [INCOMING, 'On my way', ...SEED.map(([, b]) => b)]) expect(shown).not.toContain(body);
    await h.page.getByTestId('messages-more').filter({ hasText: '3 more while driving' }).waitFor();
    // Reading aloud and replying stay: both are allowed (replies confirmed) while moving.
    await h.page.getByTestId('message-read').waitFor();
    await h.page.getByTestId('message-reply-late').waitFor();
    const file = await h.page.getByTestId('screen-messages').screenshot({ path: join(screensDir, 'messages-moving.png') });
    expect(file.length).toBeGreaterThan(0);

    await h.simSet(PARKED);
    await expect.poll(() => threads().count(), { timeout: WAIT_MS }).toBe(SEED.length + 1);
    await h.page.getByTestId('message-text').filter({ hasText: 'Dinner on Sunday?' }).waitFor();
  });

  it('takes screenshots at 1280×720 and 1920×720, day and night', async () => {
    const files = await h.screenshots('messages', () => threads().first().waitFor());
    expect(files).toHaveLength(4);
    expect(h.pageErrors).toEqual([]);
  });
});
