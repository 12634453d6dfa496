// Messaging and phone intents: names resolved against the address book before the policy and the
// read-back ("Which Sari?"), messages sent exactly once through the outbox, read aloud newest first,
// calls placed on the phone. Each answers in the driver's language.
import type { Resolution, Resolve } from '../../core/dialogue/machine.js';
import type { HandlerOutcome, IntentHandler, Speech, Understanding } from '../../core/ports.js';
import { type Contact, type ContactStore, normalizeNumber } from '../../storage/contacts.js';
import type { MessageStore } from '../../storage/messages.js';
import type { Outbox } from './outbox.js';
import type { CallTransport } from './simulated-phone.js';

export interface MessagingServices {
  contacts: ContactStore;
  messages: MessageStore;
  outbox: Outbox;
  phone: CallTransport;
}

/** Intents whose `contact` slot names someone in the address book. */
const WITH_CONTACT = new Set(['messaging.send', 'messaging.read', 'phone.call']);
/** At most this many messages are read aloud in one go; "read more" can follow. */
const READ_AT_ONCE = 3;

/** A number said instead of a name ("call 0812 3456 7890"). */
function spokenNumber(text: string): string | undefined {
  const digits = text.replace(/[\s-]/g, '');
  return /^\+?\d{6,15}$/.test(digits) ? normalizeNumber(digits) : undefined;
}

/** The name as said becomes the contact meant: one match, a choice between several, or nobody. */
export function contactResolver(contacts: ContactStore): Resolve {
  return (u: Understanding): Resolution => {
    const said = u.slots.contact;
    if (!WITH_CONTACT.has(u.intent) || typeof said !== 'string') return { kind: 'ok', understanding: u };
    const number = spokenNumber(said);
    if (number) {
      // A call or a message to a bare number: keep it as the number, named if the book knows it.
      const known = contacts.byNumber(number);
      const slots = { ...u.slots, contact: known?.name ?? number };
      return { kind: 'ok', understanding: { ...u, slots: u.intent === 'phone.call' ? { ...slots, number } : slots } };
    }
    const matches = contacts.resolve(said, undefined);
    const [first, second] = matches;
    if (!first) return { kind: 'unknown', slot: 'contact', value: said };
    if (second) return { kind: 'choose', slot: 'contact', options: matches.map((m) => m.contact.name) };
    return { kind: 'ok', understanding: { ...u, slots: { ...u.slots, contact: first.contact.name } } };
  };
}

function contactNamed(contacts: ContactStore, name: unknown): Contact | undefined {
  if (typeof name !== 'string') return undefined;
  // One lookup: resolving walks the whole address book.
  const matches = contacts.resolve(name);
  return matches.find((m) => m.contact.name === name)?.contact ?? matches[0]?.contact;
}

/** A contact's number for texts and calls: a mobile first, else the first one. */
function numberOf(contact: Contact): string | undefined {
  return (contact.numbers.find((n) => /cell|mobile|hp|手机/i.test(n.label ?? '')) ?? contact.numbers[0])?.number;
}

export function messagingHandlers(services: MessagingServices): Record<string, IntentHandler> {
  const { contacts, messages, outbox, phone } = services;

  const send: IntentHandler = async (slots, { lang }): Promise<HandlerOutcome> => {
    const contact = contactNamed(contacts, slots.contact);
    const to = contact ? numberOf(contact) : spokenNumber(String(slots.contact ?? ''));
    const name = contact?.name ?? String(slots.contact ?? '');
    if (!to) return { say: { key: 'messaging.send.no_number', params: { contact: name } }, actions: [] };
    const queued = outbox.enqueue({ to, ...(contact ? { contactId: contact.id } : {}), body: String(slots.body ?? ''), lang });
    if (!queued.ok) throw new Error(queued.error.message);
    // Try at once; without a signal it stays queued and the outbox retries on its own.
    await outbox.processDue();
    const item = outbox.get(queued.value.id);
    const sent = item?.state === 'sent';
    return {
      say: { key: sent ? 'messaging.send.sent' : 'messaging.send.queued', params: { contact: name } },
      actions: [`outbox ${queued.value.idempotencyKey} → ${item?.state ?? 'queued'}`],
      mentions: { contact: name },
    };
  };

  const read: IntentHandler = (slots): HandlerOutcome => {
    const contact = contactNamed(contacts, slots.contact);
    const unread = messages.recent({ limit: 20, unreadOnly: true, ...(contact ? { contactId: contact.id } : {}) });
    // Nothing new: the latest ones, so "read my messages" always says something useful.
    const list = unread.length > 0 ? unread : messages.recent({ limit: READ_AT_ONCE, ...(contact ? { contactId: contact.id } : {}) }).filter((m) => m.direction === 'in');
    if (list.length === 0) {
      return contact ? { say: { key: 'messaging.read.none_from', params: { contact: contact.name } }, actions: [] } : { say: { key: 'messaging.read.none' }, actions: [] };
    }
    const spoken = list.slice(0, READ_AT_ONCE);
    const nameOf = (contactId: number | null, number: string): string => (contactId !== null ? contacts.get(contactId)?.name : undefined) ?? contacts.byNumber(number)?.name ?? number;
    const lines: Speech[] = spoken.map((m) => ({ key: 'messaging.read.item', params: { contact: nameOf(m.contactId, m.number), body: m.body } }));
    const intro: Speech = unread.length === 1 ? { key: 'messaging.read.one' } : unread.length > 1 ? { key: 'messaging.read.count', params: { count: unread.length } } : { key: 'messaging.read.latest' };
    messages.markRead(spoken.map((m) => m.id));
    const newest = spoken[0];
    return {
      say: [intro, ...lines],
      actions: [`read ${spoken.length} message(s)`],
      card: { titleKey: 'card.messages', lines },
      ...(newest ? { mentions: { contact: nameOf(newest.contactId, newest.number) } } : {}),
    };
  };

  const call: IntentHandler = (slots): HandlerOutcome => {
    const number = typeof slots.number === 'string' ? normalizeNumber(slots.number) : undefined;
    const contact = number ? contacts.byNumber(number) : contactNamed(contacts, slots.contact);
    // "Call back" with nobody named: whoever wrote last.
    const fallback = !number && !contact ? messages.recent({ limit: 1 }).find((m) => m.direction === 'in') : undefined;
    const to = number ?? (contact ? numberOf(contact) : fallback?.number);
    const name = contact?.name ?? (fallback ? (contacts.byNumber(fallback.number)?.name ?? fallback.number) : (number ?? String(slots.contact ?? '')));
    if (!to) return { say: { key: slots.contact ? 'messaging.send.no_number' : 'phone.call.nobody', params: { contact: name } }, actions: [] };
    const dialled = phone.dial(to, contact?.id ?? contacts.byNumber(to)?.id);
    if (!dialled.ok) return { say: { key: 'phone.call.busy' }, actions: [] };
    return { say: { key: 'phone.call.dialing', params: { contact: name } }, actions: [`dial ${to}`], mentions: { contact: name } };
  };

  return { 'messaging.send': send, 'messaging.read': read, 'phone.call': call };
}

