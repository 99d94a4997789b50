// Exec credential plugins, run the way client-go runs them: KUBERNETES_EXEC_INFO, interactiveMode, the
// plugin's env on top of ours, its stderr passed through (once, as kubectl does; never repeated in memwhy's own
// error, as it may hold secrets), its answer checked and cached until expirationTimestamp.
import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { unusable } from './errors.js';
import type { KubeconfigError } from './errors.js';
import type { TextSink } from './types.js';
import { isMap } from './yaml-fields.js';

// Loaded when a plugin runs: a user with a token or a certificate does not pay for child_process (and dgram).
const load = createRequire(import.meta.url);

export interface ExecPlan {
  userName: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint: string;
  interactiveMode: string;
  /** spec.cluster for provideClusterInfo, already in client-go's JSON field order; null otherwise. */
  cluster: Record<string, unknown> | null;
}

export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

export interface ExecContext {
  env: Record<string, string | undefined>;
  cwd: string;
  stdinIsTerminal: boolean;
  stderr: TextSink | null;
}

const NOT_INSTALLED_HINT =
  'It looks like you are trying to use a client-go credential plugin that is not installed: install it, or fix users[].user.exec.command in the kubeconfig';

/** The plugin's environment: ours, then its own env entries, then KUBERNETES_EXEC_INFO. */
function pluginEnv(plan: ExecPlan, base: ExecContext['env'], interactive: boolean): Record<string, string> {
  const spec: Record<string, unknown> = {};
  if (plan.cluster) spec.cluster = plan.cluster;
  spec.interactive = interactive;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const e of plan.env) env[e.name] = e.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify({ kind: 'ExecCredential', apiVersion: plan.apiVersion, spec });
  return env;
}

/** Runs an exec credential plugin the way client-go does, caching its answer until it expires. */
export class ExecCredentials {
  private cached: { status: ExecCredentialStatus; expires: number | null } | null = null;
  private running: Promise<ExecCredentialStatus> | null = null;

  constructor(
    private plan: ExecPlan,
    private ctx: ExecContext,
  ) {}

  async get(): Promise<ExecCredentialStatus> {
    if (this.cached && (this.cached.expires === null || this.cached.expires > Date.now())) return this.cached.status;
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private fail(message: string, hint: string | null): KubeconfigError {
    return unusable(`getting credentials for user "${this.plan.userName}": ${message}`, hint);
  }

  private run(): Promise<ExecCredentialStatus> {
    const p = this.plan;
    if (p.interactiveMode === 'Always' && !this.ctx.stdinIsTerminal) {
      const hint = 'run memwhy from a terminal, or use an exec plugin that does not need one';
      return Promise.reject(
        this.fail('exec plugin cannot support interactive mode: standard input is not a terminal', hint),
      );
    }
    const interactive = p.interactiveMode !== 'Never' && this.ctx.stdinIsTerminal;
    const env = pluginEnv(p, this.ctx.env, interactive);
    return new Promise((resolve, reject) => {
      let stdout = '';
      let settled = false;
      const stdio = [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'] as const;
      const { spawn } = load('node:child_process') as typeof ChildProcess;
      const child = spawn(p.command, p.args, { env, cwd: this.ctx.cwd, stdio: [...stdio] });
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (d: string) => (stdout += d));
      // Passed through as kubectl does (client-go sets cmd.Stderr = os.Stderr), and nowhere else.
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (d: string) => this.ctx.stderr?.write(d));
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        if (e.code === 'ENOENT')
          reject(this.fail(`exec: executable ${p.command} not found`, p.installHint || NOT_INSTALLED_HINT));
        else reject(this.fail(`exec: ${p.command}: ${e.message}`, null));
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        settled = true;
        if (code !== 0) {
          // client-go's wording; the plugin's own explanation is what it wrote to stderr above.
          reject(this.fail(`exec: executable ${p.command} failed with exit code ${code ?? signal}`, null));
          return;
        }
        try {
          resolve(this.accept(stdout));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private accept(stdout: string): ExecCredentialStatus {
    let obj: unknown;
    try {
      obj = JSON.parse(stdout);
    } catch (e) {
      throw this.fail(
        `decoding stdout: ${(e as Error).message}`,
        'the exec plugin must print an ExecCredential as JSON',
      );
    }
    if (!isMap(obj) || obj.kind !== 'ExecCredential')
      throw this.fail('decoding stdout: the exec plugin did not print an ExecCredential', null);
    if (obj.apiVersion !== this.plan.apiVersion) {
      const got = String(obj.apiVersion);
      throw this.fail(
        `exec plugin is configured to use API version ${this.plan.apiVersion}, plugin returned version ${got}`,
        null,
      );
    }
    const status = obj.status;
    if (!isMap(status)) throw this.fail("exec plugin didn't return a status field", null);
    const s = status as ExecCredentialStatus;
    if (!s.token && !s.clientCertificateData && !s.clientKeyData)
      throw this.fail("exec plugin didn't return a token or cert/key pair", null);
    if (!s.clientCertificateData !== !s.clientKeyData)
      throw this.fail('exec plugin returned only certificate or key, not both', null);
    let expires: number | null = null;
    if (s.expirationTimestamp) {
      expires = Date.parse(s.expirationTimestamp);
      if (Number.isNaN(expires))
        throw this.fail(`failed to parse expirationTimestamp ${JSON.stringify(s.expirationTimestamp)}`, null);
    }
    this.cached = { status: s, expires };
    return s;
  }
}
