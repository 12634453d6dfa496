// A page that reconnects (a reload, a crashed renderer brought back) resumes the conversation and the car
// as they are: the core replays the turns so far after the current state, spoken-only answers still
// spoken-only, and a bounded number of them.
import { describe, expect, it } from 'vitest';
import type { Event, ResponseEvent } from '../../common/contract.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';

const knowledge = loadKnowledge();

describe('a page that reconnects', () => {
  it('gets the state first, then the conversation so far, in order', async () => {
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge });
    await sim.assistant.handle({ type: 'utterance', text: 'turn on the headlights', lang: 'en', source: 'text' });
    await sim.assistant.handle({ type: 'utterance', text: 'set the temperature to 22', lang: 'en', source: 'text' });
    const events = sim.assistant.initialEvents();
    expect(events[0]).toMatchObject({ type: 'state', vehicle: { 'Vehicle.Body.Lights.Beam.Low.IsOn': true } });
    const conversation = events.filter((e) => e.type === 'transcript' || e.type === 'response');
    expect(conversation.map((e) => (e.type === 'transcript' ? `> ${e.text}` : (e as ResponseEvent).text))).toEqual([
      '> turn on the headlights',
      'Headlights on.',
      '> set the temperature to 22',
      expect.stringMatching(/22/),
    ]);
    sim.close();
  });

  it('keeps a message read while driving spoken-only when it is replayed', async () => {
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge, start: { 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' } });
    const contact = sim.contacts.resolve('Sari')[0]?.contact;
    if (!contact) throw new Error('the sample address book has Sari');
    sim.phone.receive({ from: contact.numbers[0]?.number ?? '', body: 'where are you', lang: 'en', contactId: contact.id });
    await sim.assistant.incoming(contact.name, 'where are you', 'en');
    await sim.assistant.handle({ type: 'utterance', text: 'yes', lang: 'en', source: 'text' });
    const replayed = sim.assistant.initialEvents().filter((e): e is ResponseEvent => e.type === 'response' && e.text.includes('where are you'));
    expect(replayed.length).toBeGreaterThan(0);
    for (const response of replayed) expect(response.spokenOnly).toBe(true);
    sim.close();
  });

  it('replays a bounded history', async () => {
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge });
    for (let i = 0; i < 30; i++) await sim.assistant.handle({ type: 'utterance', text: i % 2 ? 'turn on the headlights' : 'turn off the headlights', lang: 'en', source: 'text' });
    const conversation = sim.assistant.initialEvents().filter((e: Event) => e.type === 'transcript' || e.type === 'response');
    expect(conversation.length).toBe(40);
    expect(conversation[0]?.type).toBe('transcript');
    sim.close();
  });
});
