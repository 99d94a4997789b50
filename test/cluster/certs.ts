// A self-signed CA, the server certificate (127.0.0.1, localhost) and client certificates (CN = user,
// O = groups), made with the openssl CLI (Node can verify X.509 but not issue it). EC P-256 keys: fast
// to make, accepted by Go's crypto/tls (kubectl) and Node (client-node).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pem {
  cert: string;
  key: string;
}

export interface Pki {
  ca: Pem;
  server: Pem;
  /** A client certificate signed by the CA for `user` (cached per user+groups). */
  client(user: string, groups?: string[]): Pem;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() || e.message}`, { cause: err });
  }
}

/** Subject component escaping for `openssl -subj` (`/` and `\` must be escaped). */
const subj = (s: string): string => s.replace(/[\\/]/g, (c) => `\\${c}`);

export function makePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true });
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sha256',
      '-days',
      '3650',
      '-subj',
      '/CN=test-cluster-ca',
      '-out',
      'ca.crt',
    ],
    dir,
  );

  writeFileSync(
    join(dir, 'server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
  );
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key'], dir);
  openssl(['req', '-new', '-key', 'server.key', '-subj', '/CN=kube-apiserver', '-out', 'server.csr'], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '3650',
      '-sha256',
      '-extfile',
      'server.ext',
      '-out',
      'server.crt',
    ],
    dir,
  );
  writeFileSync(
    join(dir, 'client.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );

  const clients = new Map<string, Pem>();
  let n = 0;
  return {
    ca: { cert: read('ca.crt'), key: read('ca.key') },
    server: { cert: read('server.crt'), key: read('server.key') },
    client(user: string, groups: string[] = []): Pem {
      const id = JSON.stringify([user, groups]);
      const cached = clients.get(id);
      if (cached) return cached;
      const base = `client-${++n}`;
      const subject = groups.map((g) => `/O=${subj(g)}`).join('') + `/CN=${subj(user)}`;
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${base}.key`], dir);
      openssl(['req', '-new', '-key', `${base}.key`, '-subj', subject, '-out', `${base}.csr`], dir);
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${base}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-days',
          '3650',
          '-sha256',
          '-extfile',
          'client.ext',
          '-out',
          `${base}.crt`,
        ],
        dir,
      );
      const pem = { cert: read(`${base}.crt`), key: read(`${base}.key`) };
      clients.set(id, pem);
      return pem;
    },
  };
}
