import { mysqlFixture } from '../server/mysql-fixture.js';
import { readApiScenario } from './read-api-scenario.js';

readApiScenario('MariaDB', () => mysqlFixture('dashboard_api'));
