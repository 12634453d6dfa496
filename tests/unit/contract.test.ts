import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES, decodeCommand, decodeCommandText, decodeEvent, isSimulatorCommand } from '../../common/contract.js';

describe('contract: commands', () => {
  const valid = [
    { type: 'utterance', text: 'turn on the headlights', source: 'text' },
    { type: 'utterance', id: 'c1', text: '打开大灯', lang: 'zh', source: 'voice' },
    { type: 'intent', name: 'vehicle.lights', slots: { state: 'on', beam: 'low' }, source: 'touch' },
    { type: 'confirm' },
    { type: 'cancel', id: 'x' },
    { type: 'wake' },
    { type: 'hangup' },
    { type: 'media.ended', trackId: 3 },
    { type: 'spoken' },
    { type: 'spoken', id: 'r1' },
    { type: 'voice.settings', settings: { sensitivity: 0.7 } },
    { type: 'models.pull', model: 'qwen2.5-0.5b-instruct-q4_k_m' },
    { type: 'models.cancel', id: 'c7', model: 'vosk-model-small-en-us-0.15' },
    { type: 'sim.set', signals: { 'Vehicle.Speed': 90, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' } },
    { type: 'sim.reset' },
    { type: 'sim.drive', speed: 80 },
    { type: 'sim.drive', id: 'd0', speed: 0 },
    { type: 'sim.drive', speed: 250 },
    { type: 'sim.park' },
    { type: 'sim.scenario', action: 'start', name: 'monaco-harbour.yaml' },
    { type: 'sim.scenario', action: 'stop' },
    { type: 'sim.scenario', id: 's1', action: 'reset', name: 'beijing-ev.yml' },
    { type: 'sim.message', from: 'Sari Wulandari', text: 'Where are you?' },
    { type: 'sim.message', id: 'm1', from: '王伟', text: '你在哪里？', lang: 'zh' },
    { type: 'sim.message', from: 'x'.repeat(100), text: 'y'.repeat(500), lang: 'id' },
    { type: 'list', what: 'messages' },
    { type: 'list', id: 'l1', what: 'places.search', query: 'Harbour Road', lang: 'en' },
  ];

  it('accepts one valid message of every command type', () => {
    for (const message of valid) {
      const result = decodeCommand(message);
      expect(result, JSON.stringify(message)).toEqual({ ok: true, value: message });
    }
    expect(new Set(valid.map((m) => m.type))).toEqual(new Set(COMMAND_TYPES));
  });

  it.each([
    ['no type', { text: 'hi', source: 'text' }],
    ['unknown type', { type: 'reboot' }],
    ['utterance without source', { type: 'utterance', text: 'hi' }],
    ['utterance with an unknown language', { type: 'utterance', text: 'hi', lang: 'fr', source: 'text' }],
    ['utterance far too long', { type: 'utterance', text: 'a'.repeat(2001), source: 'text' }],
    ['utterance with an extra field', { type: 'utterance', text: 'hi', source: 'text', admin: true }],
    ['intent from voice', { type: 'intent', name: 'vehicle.lights', slots: {}, source: 'voice' }],
    ['intent with nested slots', { type: 'intent', name: 'vehicle.lights', slots: { state: { on: true } }, source: 'touch' }],
    ['intent with a bad name', { type: 'intent', name: '../../etc', slots: {}, source: 'touch' }],
    ['sim.set of an unknown signal', { type: 'sim.set', signals: { 'Vehicle.Warp': 9 } }],
    ['sim.set out of range', { type: 'sim.set', signals: { 'Vehicle.Speed': -5 } }],
    ['sim.set of a wrong type', { type: 'sim.set', signals: { 'Vehicle.Body.Lights.Beam.Low.IsOn': 'yes' } }],
    ['media.ended without a track', { type: 'media.ended' }],
    ['media.ended naming a path', { type: 'media.ended', trackId: '../x.wav' }],
    ['media.ended with a negative track', { type: 'media.ended', trackId: -1 }],
    ['spoken with an extra field', { type: 'spoken', text: 'Headlights on.' }],
    ['spoken with an empty id', { type: 'spoken', id: '' }],
    ['spoken with an id over 64 characters', { type: 'spoken', id: 'x'.repeat(65) }],
    ['sim.drive without a speed', { type: 'sim.drive' }],
    ['sim.drive backwards', { type: 'sim.drive', speed: -10 }],
    ['sim.drive above 250 km/h', { type: 'sim.drive', speed: 251 }],
    ['sim.drive with a speed in words', { type: 'sim.drive', speed: '80' }],
    ['sim.drive at an infinite speed', { type: 'sim.drive', speed: Infinity }],
    ['sim.park with an extra field', { type: 'sim.park', speed: 0 }],
    ['sim.scenario without an action', { type: 'sim.scenario', name: 'monaco-harbour.yaml' }],
    ['sim.scenario with an unknown action', { type: 'sim.scenario', action: 'rewind' }],
    ['sim.scenario naming a path', { type: 'sim.scenario', action: 'start', name: '../secrets.yaml' }],
    ['sim.scenario naming an absolute path', { type: 'sim.scenario', action: 'start', name: '/etc/passwd.yaml' }],
    ['sim.scenario naming a subfolder', { type: 'sim.scenario', action: 'start', name: 'more/monaco.yaml' }],
    ['sim.scenario naming a hidden file', { type: 'sim.scenario', action: 'start', name: '.monaco.yaml' }],
    ['sim.scenario naming a file that is not YAML', { type: 'sim.scenario', action: 'start', name: 'monaco.json' }],
    ['sim.message without a sender', { type: 'sim.message', text: 'Where are you?' }],
    ['sim.message from nobody', { type: 'sim.message', from: '', text: 'Where are you?' }],
    ['sim.message from blanks', { type: 'sim.message', from: '   ', text: 'Where are you?' }],
    ['sim.message without text', { type: 'sim.message', from: 'Sari' }],
    ['sim.message saying only blanks', { type: 'sim.message', from: 'Sari', text: ' \n ' }],
    ['sim.message with a sender over 100 characters', { type: 'sim.message', from: 'x'.repeat(101), text: 'hi' }],
    ['sim.message over 500 characters', { type: 'sim.message', from: 'Sari', text: 'y'.repeat(501) }],
    ['sim.message in an unknown language', { type: 'sim.message', from: 'Sari', text: 'Bonjour', lang: 'fr' }],
    ['sim.message with a number for text', { type: 'sim.message', from: 'Sari', text: 42 }],
    ['sim.message with an extra field', { type: 'sim.message', from: 'Sari', text: 'hi', contactId: 1 }],
    ['models.pull without a model', { type: 'models.pull' }],
    ['models.pull naming a path', { type: 'models.pull', model: '../models/x' }],
    ['models.pull naming a folder', { type: 'models.pull', model: 'voice/x' }],
    ['models.pull with capitals', { type: 'models.pull', model: 'Qwen3' }],
    ['models.pull with an id over 100 characters', { type: 'models.pull', model: 'x'.repeat(101) }],
    ['models.pull with an extra field', { type: 'models.pull', model: 'x', url: 'http://evil.example/x.gguf' }],
    ['models.cancel with a number', { type: 'models.cancel', model: 7 }],
    ['a string', 'utterance'],
    ['null', null],
    ['an array', [{ type: 'wake' }]],
  ])('refuses %s with a typed error', (_name, message) => {
    const result = decodeCommand(message);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_message');
      expect(result.error.message.length).toBeGreaterThan(0);
    }
  });

  it('refuses a symbol key with a typed error rather than throwing (found by fuzzing)', () => {
    const key = Symbol('state');
    expect(decodeCommand({ type: 'intent', name: 'vehicle.lights', slots: { [key]: 'on' }, source: 'touch' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(decodeCommand({ type: 'sim.set', signals: { [key]: 90 } })).toMatchObject({ ok: false, error: { code: 'invalid_message', message: expect.stringContaining('Symbol(state)') } });
  });

  it('answers text that is not JSON with bad_json', () => {
    expect(decodeCommandText('{"type":')).toMatchObject({ ok: false, error: { code: 'bad_json' } });
    expect(decodeCommandText('{"type":"wake"}')).toEqual({ ok: true, value: { type: 'wake' } });
  });

  it('marks only sim.* as simulator commands', () => {
    expect(isSimulatorCommand({ type: 'sim.reset' })).toBe(true);
    expect(isSimulatorCommand({ type: 'sim.drive', speed: 30 })).toBe(true);
    expect(isSimulatorCommand({ type: 'sim.park' })).toBe(true);
    expect(isSimulatorCommand({ type: 'sim.scenario', action: 'stop' })).toBe(true);
    expect(isSimulatorCommand({ type: 'sim.message', from: 'Sari', text: 'hi' })).toBe(true);
    expect(isSimulatorCommand({ type: 'wake' })).toBe(false);
  });
});

describe('contract: events', () => {
  const restrictions = { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 };
  it('accepts every event type', () => {
    const events = [
      { type: 'state', dialogue: 'idle', vehicle: { 'Vehicle.Speed': 0 }, restrictions },
      { type: 'transcript', text: 'hi', lang: 'en', final: true },
      { type: 'response', text: 'Headlights on.', lang: 'en', card: { title: 'Vehicle', lines: ['on'] } },
      { type: 'response', text: 'Sari: where are you?', lang: 'en', spokenOnly: true, replayed: true },
      { type: 'error', code: 'bad_json', message: 'nope' },
      { type: 'sim', scenarios: [], scenario: null },
      { type: 'sim', scenarios: [], scenario: null, contacts: ['Budi Santoso', 'Sari Dewi', '王伟'] },
      {
        type: 'sim',
        scenarios: [{ name: 'monaco-harbour.yaml', title: 'Monaco harbour to Larvotto', description: 'A drive by the harbour.' }],
        scenario: {
          name: 'monaco-harbour.yaml',
          title: 'Monaco harbour to Larvotto',
          elapsedS: 1.2,
          durationS: 180,
          steps: [
            { atS: 0, label: 'Check Speed = 0', done: true },
            { atS: 1, label: 'Drive at 50 km/h', done: true, failed: true },
            { atS: 30, label: 'Message from Sari: “Where are you?”', done: false },
          ],
          running: true,
        },
      },
      { type: 'call', call: { state: 'dialing', name: 'Budi Santoso', number: '+6281110007803', answeredAt: null } },
      { type: 'call', call: null },
      { type: 'models', models: [] },
      { type: 'list', what: 'calls.recent', items: [], total: 0, truncated: false },
      {
        type: 'list',
        what: 'messages',
        requestId: 'l1',
        items: [{ type: 'thread', id: 3, contactName: 'Budi Santoso', number: '+6281110007803', direction: 'in', unread: 2, at: 1_700_000_000_000 }],
        total: 9,
        truncated: true,
      },
      { type: 'list', what: 'places.search', query: 'home', items: [{ type: 'place', id: 'saved:home', name: 'Jalan Mawar 12', label: 'home', kind: 'saved', lat: -6.2, lon: 106.9, distanceM: 1200 }], total: 1, truncated: false },
      {
        type: 'models',
        models: [
          { id: 'qwen2.5-0.5b-instruct-q4_k_m', name: 'Qwen2.5 0.5B Instruct (Q4_K_M)', kind: 'llm', bytes: 491400032, installed: false, recommended: true, download: { state: 'downloading', receivedBytes: 1024, totalBytes: 491400032 } },
          { id: 'vosk-model-small-en-us-0.15', name: 'Vosk small English', kind: 'voice', lang: 'en', bytes: null, installed: false, download: { state: 'failed', receivedBytes: 0, totalBytes: null, error: { code: 'no_network', message: 'no network' } } },
          { id: 'vosk-model-small-cn-0.22', name: 'Vosk small Chinese', kind: 'voice', lang: 'zh', bytes: 42, installed: true, download: null },
        ],
      },
    ];
    for (const event of events) expect(decodeEvent(event)).toEqual({ ok: true, value: event });
  });

  it('refuses malformed events', () => {
    expect(decodeEvent({ type: 'state', dialogue: 'dreaming', vehicle: {}, restrictions }).ok).toBe(false);
    expect(decodeEvent({ type: 'error', code: 'oops', message: '' }).ok).toBe(false);
    expect(decodeEvent({ type: 'response', text: 1, lang: 'en' }).ok).toBe(false);
    expect(decodeEvent({ type: 'response', text: 'hi', lang: 'en', replayed: 'yes' }).ok).toBe(false);
    expect(decodeEvent({ type: 'sim', scenarios: [] }).ok).toBe(false);
    expect(decodeEvent({ type: 'sim', scenarios: [], scenario: null, contacts: 'Sari' }).ok).toBe(false);
    expect(decodeEvent({ type: 'sim', scenarios: [], scenario: null, contacts: [7] }).ok).toBe(false);
    expect(decodeEvent({ type: 'call', call: { state: 'ringing', name: 'x', number: '1', answeredAt: null } }).ok).toBe(false);
    expect(decodeEvent({ type: 'sim', scenarios: [{ name: '../x.yaml', title: 'x', description: '' }], scenario: null }).ok).toBe(false);
    const status = { name: 'x.yaml', title: 'x', elapsedS: 0, durationS: 1, steps: [], running: false };
    expect(decodeEvent({ type: 'sim', scenarios: [], scenario: status }).ok).toBe(true);
    expect(decodeEvent({ type: 'sim', scenarios: [], scenario: { ...status, elapsedS: -1 } }).ok).toBe(false);
    expect(decodeEvent({ type: 'sim', scenarios: [], scenario: { ...status, steps: [{ atS: 0, label: 'x' }] } }).ok).toBe(false);
    expect(decodeEvent({ type: 'sim', scenarios: [], scenario: { ...status, running: 'yes' } }).ok).toBe(false);
    const model = { id: 'm', name: 'M', kind: 'llm', bytes: null, installed: false, download: null };
    expect(decodeEvent({ type: 'models', models: [model] }).ok).toBe(true);
    expect(decodeEvent({ type: 'models', models: [{ ...model, kind: 'tts' }] }).ok).toBe(false);
    expect(decodeEvent({ type: 'models', models: [{ ...model, id: '../m' }] }).ok).toBe(false);
    expect(decodeEvent({ type: 'models', models: [{ ...model, path: '/data/m.gguf' }] }).ok).toBe(false);
    expect(decodeEvent({ type: 'models', models: [{ ...model, download: { state: 'paused', receivedBytes: 0, totalBytes: null } }] }).ok).toBe(false);
    expect(decodeEvent({ type: 'models', models: [{ ...model, download: { state: 'failed', receivedBytes: -1, totalBytes: null } }] }).ok).toBe(false);
    expect(decodeEvent({ type: 'models', models: [{ ...model, download: { state: 'failed', receivedBytes: 0, totalBytes: null, error: { code: 'oops', message: '' } } }] }).ok).toBe(false);
    expect(decodeEvent({ type: 'models', models: Array.from({ length: 51 }, (_, i) => ({ ...model, id: `m${i}` })) }).ok).toBe(false);
  });
});
