// Every area's strings, as i18next resources: one namespace per file. Add a file here and list it below.
import type { Lang } from '../../../../common/contract.js';
import { climate } from './climate.js';
import { common } from './common.js';
import { media } from './media.js';
import { vehicle } from './vehicle.js';
import { messages } from './messages.js';
import { phone } from './phone.js';
import { navigation } from './navigation.js';
import { home } from './home.js';
import { sim } from './sim.js';
import { settings } from './settings.js';

type Tree = { readonly [key: string]: string | Tree };
type Area = Readonly<Record<Lang, Tree>>;

const AREAS = { common, navigation, messages, phone, climate, vehicle, media, home, sim, settings } satisfies Record<string, Area>;

export const NAMESPACES = Object.keys(AREAS) as (keyof typeof AREAS)[];

export const RESOURCES: Record<Lang, Record<string, Tree>> = {
  en: Object.fromEntries(NAMESPACES.map((ns) => [ns, AREAS[ns].en])),
  id: Object.fromEntries(NAMESPACES.map((ns) => [ns, AREAS[ns].id])),
  zh: Object.fromEntries(NAMESPACES.map((ns) => [ns, AREAS[ns].zh])),
};
