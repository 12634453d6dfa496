import { CallBanner } from '../components/CallBanner.js';
import { Composer } from '../components/Composer.js';
import { ConfirmBar } from '../components/ConfirmBar.js';
import { Conversation } from '../components/Conversation.js';
import { MapView } from '../components/MapView.js';
import { MediaBar } from '../components/MediaBar.js';
import { SimPanel } from '../components/SimPanel.js';
import { StatusStrip } from '../components/StatusStrip.js';
import type { Store } from '../state/store.js';

/** Home: the car's status on top; the map and the conversation in the middle (side by side on a wide
 *  screen, the map above on a narrow one); the music bar, then the mic and text box within thumb's reach;
 *  in the simulator, its panel in a column on the right. */
export function Home({ store }: { store: Store }) {
  const simulator = store.kind === 'websocket';
  return (
    <div class={simulator ? 'home home-sim' : 'home'}>
      <StatusStrip store={store} />
      <main class="home-main">
        <div class="home-split">
          <MapView store={store} />
          <div class="home-talk">
            <CallBanner store={store} />
            <Conversation store={store} />
            <ConfirmBar store={store} />
          </div>
        </div>
      </main>
      <MediaBar store={store} />
      <Composer store={store} />
      {simulator && <SimPanel store={store} />}
    </div>
  );
}
