import { ingestScenario } from './ingest-scenario.js';
import { sqliteFixture } from './sqlite-fixture.js';

ingestScenario('SQLite', sqliteFixture);
