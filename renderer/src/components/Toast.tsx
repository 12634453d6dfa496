import type { Store } from '../state/store.js';

export function Toast({ store }: { store: Store }) {
  const notice = store.ui.value.notice;
  if (!notice) return null;
  return (
    <div class="toast" role="alert" data-testid="toast" data-code={notice.code}>
      {notice.message}
    </div>
  );
}
