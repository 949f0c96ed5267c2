import { sqliteFixture } from '../server/sqlite-fixture.js';
import { closeScenario } from './close-scenario.js';

closeScenario('SQLite', sqliteFixture);
