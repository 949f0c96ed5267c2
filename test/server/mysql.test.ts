import { ingestScenario } from './ingest-scenario.js';
import { mysqlFixture } from './mysql-fixture.js';

ingestScenario('MariaDB/MySQL', () => mysqlFixture('server_ingest'));
