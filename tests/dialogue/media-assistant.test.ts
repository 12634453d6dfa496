// Media, weather, questions and translation through the real dialogue, NLU, handlers and database:
// music from the simulator's generated library by voice and by touch, the player's state as the
// screen sees it, the weather a scenario declares, and honest answers without a model or a connection.
import { describe, expect, it } from 'vitest';
import type { Event, Lang, MediaEvent, ResponseEvent } from '../../common/contract.js';
import { ok, type Result } from '../../common/result.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import type { Completion, LlmEngine } from '../../main/llm/engine.js';
import { Generator } from '../../main/llm/generation.js';

const knowledge = loadKnowledge();

function car(options: { generator?: Generator | null } = {}) {
  const generator = options.generator ?? null;
  const sim = createSimulatedAssistant({ database: ':memory:', knowledge, onlineWeather: null, generator: () => generator });
  const events: Event[] = [];
  sim.assistant.on((e) => events.push(e));
  const say = async (text: string, lang: Lang = 'en') => sim.assistant.handle({ type: 'utterance', text, lang, source: 'text' });
  const touch = async (name: string, slots: Record<string, string | number> = {}) => sim.assistant.handle({ type: 'intent', name, slots, source: 'touch' });
  const said = () => events.filter((e): e is ResponseEvent => e.type === 'response').at(-1)?.text;
  const media = () => events.filter((e): e is MediaEvent => e.type === 'media').at(-1);
  return { sim, say, touch, said, media, events };
}

describe('music by voice, in three languages', () => {
  it.each([
    ['play some jazz', 'en', 'Jazz'],
    ['putar lagu Raisa', 'id', 'Pop'],
    ['播放周杰伦的歌', 'zh', '流行'],
    // A genre is one genre in every language: 爵士 finds the jazz tagged in English too.
    ['来点爵士乐', 'zh', /^(Jazz|爵士)$/],
  ] as const)('"%s" plays a matching track and the screen is told', async (text, lang, genre) => {
    const c = car();
    await c.say(text, lang);
    expect(c.media()).toMatchObject({ status: 'playing', track: { genre: expect.stringMatching(genre) } });
    expect(c.sim.player.isPlaying()).toBe(true);
    const track = c.media()?.track;
    expect(c.said()).toContain(track?.title);
    c.sim.close();
  });

  it('says so when nothing matches, and plays nothing', async () => {
    const c = car();
    await c.say('play some heavy metal');
    expect(c.said()).toBe("I couldn't find heavy metal in your music.");
    expect(c.sim.player.isPlaying()).toBe(false);
    c.sim.close();
  });

  it('pause, resume, next, previous and the volume, as the player and the screen see them', async () => {
    const c = car();
    await c.say('play music by Raisa');
    const first = c.media()?.track;
    expect(c.media()).toMatchObject({ status: 'playing', count: 2, index: 0 });
    await c.say('pause the music');
    expect([c.media()?.status, c.said()]).toEqual(['paused', 'Paused.']);
    await c.say('resume the music');
    expect([c.media()?.status, c.said()]).toEqual(['playing', `Resuming ${first?.title}.`]);
    await c.say('next song');
    expect(c.media()).toMatchObject({ index: 1 });
    expect(c.said()).toBe(`Next: ${c.media()?.track?.title} by Raisa.`);
    await c.say('previous track');
    expect(c.media()?.track?.id).toBe(first?.id);
    await c.say('set the volume to 30');
    expect([c.media()?.volume, c.said()]).toEqual([30, 'Volume 30.']);
    await c.say('turn the volume up');
    expect(c.media()?.volume).toBe(40);
    await c.say('mute');
    expect([c.media()?.muted, c.said()]).toEqual([true, 'Muted.']);
    c.sim.close();
  });

  it('moves on when the audio element finishes a track, silently, and stops after the last', async () => {
    const c = car();
    await c.say('play music by Raisa');
    const spoken = c.events.filter((e) => e.type === 'response').length;
    const first = c.media()?.track?.id as number;
    await c.sim.assistant.handle({ type: 'media.ended', trackId: first });
    expect(c.media()).toMatchObject({ status: 'playing', index: 1 });
    // A late report for a track no longer playing changes nothing.
    await c.sim.assistant.handle({ type: 'media.ended', trackId: first });
    expect(c.media()?.index).toBe(1);
    await c.sim.assistant.handle({ type: 'media.ended', trackId: c.media()?.track?.id as number });
    expect(c.media()).toMatchObject({ status: 'stopped' });
    expect(c.events.filter((e) => e.type === 'response').length).toBe(spoken);
    c.sim.close();
  });

  it('by touch: the same player, the same answers', async () => {
    const c = car();
    await c.touch('media.play');
    expect(c.media()).toMatchObject({ status: 'playing', count: 8 });
    await c.touch('media.next', { direction: 'next' });
    expect(c.media()?.index).toBe(1);
    await c.touch('media.volume', { action: 'down' });
    expect(c.media()?.volume).toBe(40);
    await c.touch('media.pause');
    expect(c.media()?.status).toBe('paused');
    c.sim.close();
  });

  it('a new page is told what plays', async () => {
    const c = car();
    await c.say('play some jazz');
    expect(c.sim.assistant.initialEvents().find((e) => e.type === 'media')).toMatchObject({ status: 'playing' });
    c.sim.close();
  });
});

describe('the weather', () => {
  it('comes from the loaded scenario, now and for tomorrow, in each language', async () => {
    const c = car();
    await c.sim.assistant.handle({ type: 'sim.scenario', action: 'reset', name: 'jakarta-hot-afternoon.yaml' });
    await c.say("what's the weather like");
    expect(c.said()).toBe('Right now in Jakarta: partly cloudy, 34 degrees.');
    await c.say('bagaimana cuaca besok', 'id');
    expect(c.said()).toBe('Besok di Jakarta: hujan, 25 sampai 31 derajat. Peluang hujan 70 persen.');
    await c.say('今天天气怎么样', 'zh');
    expect(c.said()).toMatch(/^今天雅加达|^今天Jakarta/);
    c.sim.close();
  });

  it('by touch, the same answer', async () => {
    const c = car();
    await c.sim.assistant.handle({ type: 'sim.scenario', action: 'reset', name: 'beijing-ev.yaml' });
    await c.touch('assistant.weather', { when: 'tomorrow' });
    expect(c.said()).toBe('Tomorrow in Beijing: clear skies, 5 to 17 degrees.');
    c.sim.close();
  });

  it('offline and with no scenario weather, says so plainly', async () => {
    const c = car();
    await c.say("what's the weather tomorrow");
    expect(c.said()).toBe("I can't get a weather forecast offline.");
    await c.say("how's the weather in Tokyo");
    expect(c.said()).toBe("I can't get the weather for tokyo offline.");
    c.sim.close();
  });
});

/** A model that answers every generation with the same text: the model is the boundary. */
function model(text: string, refused = false): Generator {
  const engine: LlmEngine = {
    complete: (): Promise<Result<Completion>> => Promise.resolve(ok({ value: { refused, text }, usage: { promptTokens: 1, evaluatedTokens: 1, completionTokens: 1 }, ms: 1 })),
    info: () => ({ kind: 'local', model: 'scripted' }),
    close: () => Promise.resolve(),
  };
  return new Generator(engine);
}

describe('questions and translation', () => {
  it('without a model, say honestly they need one and how to install it, in each language', async () => {
    const c = car();
    await c.say('what is the capital of France');
    expect(c.said()).toMatch(/^I can't answer questions offline without the language model\. To install it, run: kemudi models pull \S+\.$/);
    await c.say('translate thank you into Indonesian');
    expect(c.said()).toMatch(/^I can't translate offline without the language model/);
    await c.say('terjemahkan terima kasih ke bahasa Inggris', 'id');
    expect(c.said()).toMatch(/^Saya belum bisa menerjemahkan secara offline tanpa model bahasa/);
    c.sim.close();
  });

  it('with a model, say its answer and translation, and nothing acts on the car', async () => {
    const c = car({ generator: model('Paris is the capital of France.') });
    const before = c.sim.vehicle.snapshot();
    await c.say('what is the capital of France');
    expect(c.said()).toBe('Paris is the capital of France.');
    const translator = car({ generator: model('terima kasih') });
    await translator.say('translate thank you into Indonesian');
    expect(translator.said()).toBe('In Indonesian: terima kasih');
    await translator.say('translate thank you into Chinese');
    expect(translator.said()).toBe('In Chinese: terima kasih');
    expect(c.sim.vehicle.snapshot()).toEqual(before);
    // Touch asks the same: a translation picked on the screen.
    await translator.touch('assistant.translate', { text: 'thank you', target: 'id' });
    expect(translator.said()).toBe('In Indonesian: terima kasih');
    c.sim.close();
    translator.sim.close();
  });

  it('a refusal is said as one, and a model answer never renders as another response', async () => {
    const c = car({ generator: model('', true) });
    await c.say('how far is the moon');
    expect(c.said()).toBe("Sorry, I don't know that one.");
    const sneaky = car({ generator: model('{reason}') });
    await sneaky.say('what is the capital of France');
    expect(sneaky.said()).toBe('{reason}');
    c.sim.close();
    sneaky.sim.close();
  });
});
