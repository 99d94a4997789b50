// The one client-node Authenticator memwhy adds, for what kubectl does and client-node does not: tokenFile
// re-read on every request, exec plugins run as client-go runs them, and impersonation headers beyond the user.
import fs from 'node:fs';
import type { User } from '@kubernetes/client-node';
import { ExecCredentials, type ExecContext, type ExecPlan } from './exec-plugin.js';

/** authProvider.name that routes a user to memwhy's own authenticator (tokenFile, exec, impersonation extras). */
export const MEMWHY_AUTH = 'memwhy-kubectl-compat';

export interface AuthPlan {
  tokenFile: string | null;
  /** The static token to fall back on when the token file cannot be read. */
  fallbackToken: string | null;
  exec: ExecPlan | null;
  headers: Record<string, string>;
}

type AuthOptions = { headers?: Record<string, unknown>; cert?: unknown; key?: unknown };

export class KubectlCompatAuth {
  private lastToken: string | null = null;
  private exec: ExecCredentials | null;

  constructor(
    private plan: AuthPlan,
    execContext: ExecContext,
  ) {
    this.exec = plan.exec ? new ExecCredentials(plan.exec, execContext) : null;
  }

  isAuthProvider(user: User): boolean {
    return (user?.authProvider as { name?: string } | undefined)?.name === MEMWHY_AUTH;
  }

  /** The token file, re-read on each request (tokens rotate); falls back to the last good read, then `token`. */
  readTokenFile(): string | null {
    const file = this.plan.tokenFile!;
    try {
      const t = fs.readFileSync(file, 'utf8').trim();
      if (t) this.lastToken = t;
    } catch {
      // client-go keeps using what it had
    }
    return this.lastToken ?? this.plan.fallbackToken;
  }

  async applyAuthentication(_user: User, opts: AuthOptions): Promise<void> {
    opts.headers ??= {};
    Object.assign(opts.headers, this.plan.headers);
    if (this.plan.tokenFile) {
      const t = this.readTokenFile();
      if (t) opts.headers.Authorization = `Bearer ${t}`;
    }
    if (this.exec) {
      const s = await this.exec.get();
      if (s.token) opts.headers.Authorization = `Bearer ${s.token}`;
      if (s.clientCertificateData && s.clientKeyData) {
        opts.cert = s.clientCertificateData;
        opts.key = s.clientKeyData;
      }
    }
  }
}
