import { Composer } from '../components/Composer.js';
import { ConfirmBar } from '../components/ConfirmBar.js';
import { Conversation } from '../components/Conversation.js';
import { StatusStrip } from '../components/StatusStrip.js';
import type { Store } from '../state/store.js';

/** Home: the car's status on top, the conversation in the middle, the mic and text box within thumb's reach. */
export function Home({ store }: { store: Store }) {
  return (
    <div class="home">
      <StatusStrip store={store} />
      <main class="home-main">
        <Conversation store={store} />
        <ConfirmBar store={store} />
      </main>
      <Composer store={store} />
    </div>
  );
}
