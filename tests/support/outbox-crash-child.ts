// The process the crash test kills: like a driver dictating one message after another, it queues a fixed
// set of messages and sends each through the outbox to a simulated phone, both in files, printing each step.
// After a restart the messages already queued are found by their keys. Usage: <db> <phone db> <count> linger|exit
// (`linger` stays up when everything is sent, so the kill always lands on a live process).
import { setTimeout as sleep } from 'node:timers/promises';
import { Outbox, type MessageTransport } from '../../main/services/messaging/outbox.js';
import { SimulatedPhone } from '../../main/services/messaging/simulated-phone.js';
import { openDatabase } from '../../main/storage/db.js';

// The radio takes time each way, so kills land while a message is in the air: before the phone has it,
// or after it has it but before the outbox knows.
const LEG_MS = 2;

const [dbFile, phoneFile, countArg, mode] = process.argv.slice(2);
if (!dbFile || !phoneFile || !countArg || (mode !== 'linger' && mode !== 'exit')) {
  process.stderr.write('usage: outbox-crash-child <db> <phone db> <count> linger|exit\n');
  process.exit(2);
}
const count = Number(countArg);
const say = (line: string) => process.stdout.write(`${line}\n`);

const db = openDatabase(dbFile);
const phone = new SimulatedPhone({ file: phoneFile });
const transport: MessageTransport = {
  async send(message) {
    await sleep(LEG_MS);
    const result = await phone.send(message);
    await sleep(LEG_MS);
    return result;
  },
};
const outbox = new Outbox(db, transport);
// Each step with the time since `ready`, so the parent can aim its kills at the first send after a restart.
let ready = 0;
outbox.onChange((item) => say(`${item.state} ${item.idempotencyKey} +${(performance.now() - ready).toFixed(2)}ms`));
ready = performance.now();
say('ready');

let sent = 0;
for (let i = 0; i < count; i++) {
  const queued = outbox.enqueue({ to: `+62812000${i % 4}`, body: `message ${i}`, idempotencyKey: `crash-${i}` });
  if (!queued.ok) throw new Error(queued.error.message);
  sent += (await outbox.processDue()).sent;
}
const left = outbox.list().filter((item) => item.state !== 'sent').length;
say(`drained sent=${sent} left=${left}`);
// Lingering ends by itself, so a child whose test died never outlives it by long.
if (mode === 'linger') setTimeout(() => process.exit(3), 30_000);
else {
  db.close();
  phone.close();
}
