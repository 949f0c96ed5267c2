import { mysqlFixture } from '../server/mysql-fixture.js';
import { closeScenario } from './close-scenario.js';

closeScenario('MariaDB', () => mysqlFixture('dashboard_close'));
