import { useT } from '../i18n/index.js';
import { SCREENS, type Screen } from '../state/screen.js';
import type { Store } from '../state/store.js';

/** Simple line icons (24×24), drawn here: no icon font, nothing fetched. */
const ICONS: Record<Screen, string> = {
  home: 'M3 11l9-8 9 8v10h-6v-6H9v6H3z',
  navigation: 'M12 2l8 20-8-5-8 5z',
  messages: 'M3 4h18v13H8l-5 4z',
  phone: 'M6 2h4l2 5-3 2a12 12 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A18 18 0 0 1 4 4a2 2 0 0 1 2-2z',
  climate: 'M12 2v20M4 6l16 12M20 6L4 18',
  media: 'M9 18V5l12-2v13M9 18a3 3 0 1 1-6 0 3 3 0 0 1 6 0zm12-2a3 3 0 1 1-6 0 3 3 0 0 1 6 0z',
  vehicle: 'M3 13l2-6h14l2 6v6h-3v-2H6v2H3zM6 13h12',
  settings: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 1v4M12 19v4M1 12h4M19 12h4M4 4l3 3M17 17l3 3M4 20l3-3M17 7l3-3',
};

/** The screens, as large buttons down the side: one tap to any of them, the current one marked. */
export function NavRail({ store }: { store: Store }) {
  const t = useT();
  const current = store.view.screen.value;
  return (
    <nav class="nav-rail" aria-label={t('common:nav.label')} data-testid="nav-rail">
      {SCREENS.map((screen) => (
        <button
          key={screen}
          type="button"
          class={screen === current ? 'nav-item nav-current' : 'nav-item'}
          aria-current={screen === current ? 'page' : undefined}
          data-testid={`nav-${screen}`}
          onClick={() => store.view.show(screen)}
        >
          <svg viewBox="0 0 24 24" width="30" height="30" aria-hidden="true" focusable="false">
            <path d={ICONS[screen]} fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" />
          </svg>
          <span class="nav-text">{t(`common:nav.${screen}`)}</span>
        </button>
      ))}
    </nav>
  );
}
