import { useComputed } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CallBanner } from '../components/CallBanner.js';
import { Composer } from '../components/Composer.js';
import { ConfirmBar } from '../components/ConfirmBar.js';
import { Conversation } from '../components/Conversation.js';
import { MapView } from '../components/MapView.js';
import { MediaBar } from '../components/MediaBar.js';
import { NavRail } from '../components/NavRail.js';
import { SimPanel } from '../components/SimPanel.js';
import { StatusStrip } from '../components/StatusStrip.js';
import type { Store } from '../state/store.js';
import { SCREEN_VIEWS } from './index.js';

/** The frame: the car's status on top; the screens' rail on the left; in the middle Home (the map and the
 *  conversation, side by side on a wide screen, the map above on a narrow one) or the screen chosen, with the
 *  conversation over it while Kemudi is talking; the music bar, then the mic and text box within thumb's
 *  reach; in the simulator, its panel in a column on the right. */
export function Home({ store }: { store: Store }) {
  const simulator = store.kind === 'websocket';
  const screen = store.view.screen.value;
  const theme = store.view.theme.value;
  // The theme is on the root, so the page's background and scrollbars follow it too.
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  // A computed slice: the frame re-renders when Kemudi starts or stops talking, not on every state event
  // (ten a second while driving), which would re-render every screen and panel with it.
  const talking = useComputed(() => (store.ui.value.state?.dialogue ?? 'idle') !== 'idle' || store.ui.value.call !== null).value;
  const View = screen === 'home' ? null : SCREEN_VIEWS[screen];
  return (
    <div class={simulator ? 'home home-sim' : 'home'} data-theme={theme} data-screen={screen}>
      <StatusStrip store={store} />
      <NavRail store={store} />
      <main class="home-main">
        {View ? (
          <div class="screen-frame">
            <View store={store} />
            {talking && (
              <div class="talk-overlay" data-testid="talk-overlay">
                <CallBanner store={store} />
                <Conversation store={store} />
                <ConfirmBar store={store} />
              </div>
            )}
          </div>
        ) : (
          <div class="home-split" data-testid="screen-home">
            <MapView store={store} />
            <div class="home-talk">
              <CallBanner store={store} />
              <Conversation store={store} />
              <ConfirmBar store={store} />
            </div>
          </div>
        )}
      </main>
      <MediaBar store={store} />
      <Composer store={store} />
      {simulator && <SimPanel store={store} />}
    </div>
  );
}
