// The errors loading a kubeconfig can end in. They are MemwhyErrors (message, hint, exit code), typed so that
// src/cli can tell a kubeconfig problem from any other and map it to its own exit code.
import { ExitCode, MemwhyError } from '../../errors.js';

/**
 * Why the kubeconfig could not be used:
 * - `flag`: a flag names something that is not there (--kubeconfig file, --context/--cluster/--user name,
 *   --request-timeout value). Exit code Usage, as kubectl treats these as the user's typing.
 * - `unusable`: the configuration itself cannot be used (parse errors, unknown current-context, bad
 *   certificates, failing exec plugin, no configuration at all). Exit code Unreachable.
 */
export type KubeconfigProblem = 'flag' | 'unusable';

export class KubeconfigError extends MemwhyError {
  readonly problem: KubeconfigProblem;
  constructor(problem: KubeconfigProblem, message: string, hint: string | null = null) {
    super(problem === 'flag' ? ExitCode.Usage : ExitCode.Unreachable, message, hint);
    this.name = 'KubeconfigError';
    this.problem = problem;
  }
}

/** The configuration cannot be used. */
export const unusable = (message: string, hint: string | null = null): KubeconfigError =>
  new KubeconfigError('unusable', message, hint);

/** A flag names something that is not there. */
export const badFlag = (message: string, hint: string | null = null): KubeconfigError =>
  new KubeconfigError('flag', message, hint);

/** A failed request that could not reach the API server (or its proxy); exit code Unreachable. */
export const unreachable = (message: string, hint: string | null = null): MemwhyError =>
  new MemwhyError(ExitCode.Unreachable, message, hint);
