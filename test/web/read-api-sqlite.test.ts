import { sqliteFixture } from '../server/sqlite-fixture.js';
import { readApiScenario } from './read-api-scenario.js';

readApiScenario('SQLite', sqliteFixture);
