// Each screen of the rail, by name. Home is the frame's own (the map and the conversation).
import type { FunctionComponent } from 'preact';
import type { Screen } from '../state/screen.js';
import type { Store } from '../state/store.js';
import { ClimateScreen } from './ClimateScreen.js';
import { MediaScreen } from './MediaScreen.js';
import { MessagesScreen } from './MessagesScreen.js';
import { NavigationScreen } from './NavigationScreen.js';
import { PhoneScreen } from './PhoneScreen.js';
import { SettingsScreen } from './SettingsScreen.js';
import { VehicleScreen } from './VehicleScreen.js';

export const SCREEN_VIEWS: Record<Exclude<Screen, 'home'>, FunctionComponent<{ store: Store }>> = {
  navigation: NavigationScreen,
  messages: MessagesScreen,
  phone: PhoneScreen,
  climate: ClimateScreen,
  media: MediaScreen,
  vehicle: VehicleScreen,
  settings: SettingsScreen,
};
