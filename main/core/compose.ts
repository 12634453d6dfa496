// The composition root: builds an Assistant from the real parts. Shells (sim server, Electron, CLI)
// call this and nothing deeper, so all of them run the same core.
import { join } from 'node:path';
import type { Lang } from '../../common/contract.js';
import type { VehicleSignals } from '../../common/vss.js';
import { IntentCatalog } from '../nlu/catalog.js';
import { NluEngine } from '../nlu/index.js';
import { TemplateMatcher } from '../nlu/sentences.js';
import { readModels, trainAll, type NluModels } from '../nlu/train.js';
import { vehicleHandlers } from '../services/vehicle/handlers.js';
import { SimulatedVehicle } from '../simulator/vehicle.js';
import { type Db, openDatabase } from '../storage/db.js';
import { HistoryStore } from '../storage/history.js';
import { Assistant } from './assistant.js';
import { dataDir, intentsDir, nluModelsFile } from './paths.js';
import { SafetyPolicy } from './policy/policy.js';
import { ResponseCatalog } from './responses.js';

export interface Knowledge {
  catalog: IntentCatalog;
  templates: TemplateMatcher;
  responses: ResponseCatalog;
  nlu: NluEngine;
  models: NluModels;
}

/** Loads intents, sentences, responses and the trained classifier once; cheap to share between assistants.
 *  When the build's models are missing or older than the sentence files, trains them here (seconds). */
export function loadKnowledge(dir: string = intentsDir(), modelsFile: string = nluModelsFile()): Knowledge {
  const catalog = IntentCatalog.load(dir);
  const templates = TemplateMatcher.load(dir, catalog);
  const models = readModels(modelsFile, dir) ?? trainAll(dir, templates, catalog);
  return { catalog, templates, responses: ResponseCatalog.load(dir), nlu: new NluEngine(catalog, templates, models), models };
}

export interface SimulatedAssistantOptions {
  /** Starting signals over the defaults (parked, locked, lights off, 21 °C). */
  start?: VehicleSignals;
  lang?: Lang;
  /** The database file; ':memory:' keeps nothing. Default: kemudi.db in the data directory. */
  database?: string;
  knowledge?: Knowledge;
  /** better-sqlite3 compiled for another ABI (Electron's); see scripts/start.mjs. */
  nativeBinding?: string;
}

export interface SimulatedAssistant {
  assistant: Assistant;
  vehicle: SimulatedVehicle;
  db: Db;
  close(): void;
}

export function createSimulatedAssistant(options: SimulatedAssistantOptions = {}): SimulatedAssistant {
  const knowledge = options.knowledge ?? loadKnowledge();
  const vehicle = new SimulatedVehicle(options.start);
  const db = openDatabase(options.database ?? join(dataDir(), 'kemudi.db'), options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  const assistant = new Assistant({
    catalog: knowledge.catalog,
    nlu: knowledge.nlu,
    policy: new SafetyPolicy(knowledge.catalog),
    vehicle,
    handlers: { ...vehicleHandlers },
    responses: knowledge.responses,
    history: new HistoryStore(db),
    simulator: { set: (signals) => vehicle.simulate(signals), reset: () => vehicle.reset(options.start) },
    ...(options.lang ? { lang: options.lang } : {}),
  });
  return {
    assistant,
    vehicle,
    db,
    close() {
      assistant.dispose();
      db.close();
    },
  };
}
