// Exit codes and the one error type that carries them. Imports nothing, and sits outside every layer so that
// each may use it (src/cli maps it to the process exit code; app, kube and tui throw it).

export const ExitCode = {
  /** A diagnosis was produced, whatever its verdict. */
  Ok: 0,
  /** A bug in memwhy (an error that is not a MemwhyError). */
  Bug: 1,
  /** Bad flags or arguments. */
  Usage: 2,
  /** The pod, node or snapshot folder does not exist. */
  NotFound: 3,
  /** The cluster refused a read memwhy cannot do without. */
  Forbidden: 4,
  /** The cluster cannot be reached or the kubeconfig is unusable. */
  Unreachable: 5,
  /** The input exists but is not what it should be (invalid JSON, a pod.json that is not a Pod). */
  BadInput: 6,
  /** The Node.js running dist/cli.js is older than package.json's engines (the binary carries its own). */
  OldRuntime: 7,
  /** `--exit-code` was given and a problem verdict (severity critical or warning) was found. */
  ProblemFound: 10,
  /** Interrupted by Ctrl-C / SIGTERM (128 + SIGINT). */
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error meant for the user: one line of message, an optional hint naming what to do next,
 * and the exit code. Anything else that reaches the top is a bug.
 */
export class MemwhyError extends Error {
  readonly code: ExitCodeValue;
  readonly hint: string | null;
  constructor(code: ExitCodeValue, message: string, hint: string | null = null) {
    super(message);
    this.name = 'MemwhyError';
    this.code = code;
    this.hint = hint;
  }
}
