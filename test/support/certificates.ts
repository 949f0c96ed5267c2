// A throwaway CA and server certificates made with openssl, for HTTPS tests. EC keys: quick to make.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = 'openssl';
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface TestCa {
  dir: string;
  /** PEM file of the CA certificate. */
  caPath: string;
  /** Issues `NAME.pem` and `NAME.key` for the CA's names (default 127.0.0.1 and localhost); returns their paths. */
  issue(name: string): Promise<{ certPath: string; keyPath: string }>;
}

/** `names`: the subjectAltName entries every issued certificate carries, e.g. `DNS:db.example`. */
export async function makeTestCa(dir: string, cn = 'monitor test CA', names = ['DNS:localhost', 'IP:127.0.0.1']): Promise<TestCa> {
  const at = (name: string): string => join(dir, name);
  await run(OPENSSL, ['req', '-x509', ...EC, '-days', '2', '-subj', `/CN=${cn}`, '-keyout', at('ca.key'), '-out', at('ca.pem')]);
  await writeFile(at('san.cnf'), `subjectAltName=${names.join(',')}\n`);
  return {
    dir,
    caPath: at('ca.pem'),
    async issue(name) {
      await run(OPENSSL, ['req', ...EC, '-subj', `/CN=${name}`, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`)]);
      await run(OPENSSL, [
        'x509',
        '-req',
        '-in',
        at(`${name}.csr`),
        '-CA',
        at('ca.pem'),
        '-CAkey',
        at('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        at('san.cnf'),
        '-out',
        at(`${name}.pem`),
      ]);
      return { certPath: at(`${name}.pem`), keyPath: at(`${name}.key`) };
    },
  };
}
