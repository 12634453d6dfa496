import { Toast } from './components/Toast.js';
import { Home } from './screens/Home.js';
import type { Store } from './state/store.js';

export function App({ store }: { store: Store }) {
  return (
    <>
      <Home store={store} />
      <Toast store={store} />
    </>
  );
}
