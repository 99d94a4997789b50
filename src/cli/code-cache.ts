// Where V8's code cache of memwhy's own modules lives: the user's cache folder, never a shared one. Node's
// default (os.tmpdir()/node-compile-cache) can be created first by another user of the machine, who could then
// put code there that this user's run would execute, with this user's cluster credentials.

/** $XDG_CACHE_HOME/kubectl-memwhy/v8, else ~/.cache/kubectl-memwhy/v8; null when there is no home (no cache). */
export function codeCacheDir(env: Record<string, string | undefined>, platform: string): string | null {
  if (platform === 'win32') return env.LOCALAPPDATA ? `${env.LOCALAPPDATA}\\kubectl-memwhy\\v8` : null;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && xdg.startsWith('/')) return `${xdg}/kubectl-memwhy/v8`;
  return env.HOME && env.HOME.startsWith('/') ? `${env.HOME}/.cache/kubectl-memwhy/v8` : null;
}
