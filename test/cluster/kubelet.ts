// The "kubelet" of every node: drives pods created through the API from Pending to Running to
// Succeeded/Failed, running each container's command for real (runner.ts), with the kubelet's
// container states, events and pod conditions.
//
// Realistic behaviour chosen for the awkward nodes (documented in README.md):
//   - nodeName of a node that does not exist, or a node whose Ready condition is not True: no kubelet
//     acts, the pod stays Pending (and a graceful delete stays Terminating until the node is back).
//   - `kubernetes.io/os: windows` nodes: a Windows kubelet cannot pull Linux images: ErrImagePull →
//     ImagePullBackOff ("no match for platform in manifest").
//   - virtual-kubelet nodes (label `type: virtual-kubelet`): the provider has no host file system:
//     pods with hostPath volumes go Failed, reason ProviderFailed; others run.
//   - nodeSelector / required node affinity that does not match the node it was bound to: the kubelet
//     rejects it: Failed, reason NodeAffinity.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { containerConfig, globMatch, imageId, normalizeImage, resolveVolumes, type VolumeSource } from './container.js';
import type { EventRecorder, InvolvedObject } from './events.js';
import { LogBuffer } from './logs.js';
import { run as runContainer, type Running, type Tools } from './runner.js';
import { matchesNodeSelector, nodeReady, schedule } from './scheduler.js';
import type { Store, StoreEvent } from './store.js';
import type { ClusterState, KubeletOptions } from './types.js';
import { hex, isoSeconds, type Obj } from './util.js';

interface ContainerRun {
  name: string;
  init: boolean;
  /** Restartable init container (sidecar). */
  sidecar: boolean;
  spec: Obj;
  restartCount: number;
  current: LogBuffer | null;
  previous: LogBuffer | null;
  proc: Running | null;
  exited: Promise<unknown> | null;
}

interface PodRun {
  uid: string;
  namespace: string;
  name: string;
  containers: Map<string, ContainerRun>;
  /** Set on deletion, deadline, rejection or cluster close: nothing new starts. */
  stopped: boolean;
  timers: Set<NodeJS.Timeout>;
  wakers: Set<() => void>;
  deadline: NodeJS.Timeout | null;
  dir: string;
  /** Once the pod is Succeeded/Failed because of something other than its containers. */
  forcedPhase: boolean;
}

export interface LogLookup {
  buffer: LogBuffer | null;
  error: string | null;
}

const VIRTUAL_KUBELET_LABEL = 'type';

/** Every live outer process of every cluster, killed on process exit as a last resort. */
const livePids = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of livePids) {
      if (!(pid > 1)) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}

export class Kubelet {
  private readonly runs = new Map<string, PodRun>();
  private readonly pulled = new Map<string, Set<string>>();
  private unsubscribe: (() => void) | null = null;
  private closed = false;
  private ipCounter = 10;
  private readonly opts: Required<KubeletOptions>;

  constructor(
    private readonly store: Store,
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
    private readonly tools: Tools,
    private readonly workDir: string,
    opts: KubeletOptions,
    private readonly apiServer: { host: string; port: number },
  ) {
    this.opts = {
      stepMs: opts.stepMs ?? 20,
      pullMs: opts.pullMs ?? 30,
      backoffMs: opts.backoffMs ?? 200,
      maxBackoffMs: opts.maxBackoffMs ?? 5000,
      runInitialPods: opts.runInitialPods ?? false,
      scheduler: opts.scheduler ?? true,
    };
    installExitHook();
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((e) => this.onEvent(e));
    if (this.opts.runInitialPods) {
      for (const p of this.store.list('pods')) if (!p.status?.phase) this.manage(p);
    }
  }

  /** Pods created through the API are run; the rest (initial state) is served frozen. */
  manage(pod: Obj): void {
    if (this.closed || this.runs.has(pod.metadata.uid)) return;
    const run: PodRun = {
      uid: pod.metadata.uid,
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      containers: new Map(),
      stopped: false,
      timers: new Set(),
      wakers: new Set(),
      deadline: null,
      dir: join(this.workDir, 'pods', pod.metadata.uid),
      forcedPhase: false,
    };
    for (const c of (pod.spec?.initContainers ?? []) as Obj[]) {
      run.containers.set(c.name, {
        name: c.name,
        init: true,
        sidecar: c.restartPolicy === 'Always',
        spec: c,
        restartCount: 0,
        current: null,
        previous: null,
        proc: null,
        exited: null,
      });
    }
    for (const c of (pod.spec?.containers ?? []) as Obj[]) {
      run.containers.set(c.name, {
        name: c.name,
        init: false,
        sidecar: false,
        spec: c,
        restartCount: 0,
        current: null,
        previous: null,
        proc: null,
        exited: null,
      });
    }
    this.runs.set(run.uid, run);
    this.lifecycle(run).catch((err) => {
      if (!this.closed) console.error(`test-cluster kubelet: pod ${run.namespace}/${run.name}:`, err);
    });
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource !== 'pods' || this.closed) return;
    const uid = e.object.metadata?.uid;
    const run = this.runs.get(uid);
    if (e.type === 'DELETED') {
      if (run) {
        run.stopped = true;
        this.wake(run);
        for (const c of run.containers.values()) c.proc?.kill('SIGKILL');
        this.cleanupLater(run);
      }
      return;
    }
    if (e.type === 'MODIFIED' && e.object.metadata?.deletionTimestamp && !e.old?.metadata?.deletionTimestamp) {
      const grace = Number(e.object.metadata.deletionGracePeriodSeconds ?? 30);
      if (run) {
        void this.terminate(run, grace);
      } else {
        // Not ours (initial state): a live kubelet would stop it and confirm the deletion.
        const node = this.store.get('nodes', null, e.object.spec?.nodeName ?? '');
        if (node && nodeReady(node)) {
          const t = setTimeout(
            () => this.store.remove('pods', e.object.metadata.namespace, e.object.metadata.name),
            this.opts.stepMs,
          );
          t.unref();
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  private current(run: PodRun): Obj | undefined {
    const p = this.store.get('pods', run.namespace, run.name);
    return p && p.metadata.uid === run.uid ? p : undefined;
  }

  /** Waits `ms`; false when the pod stopped meanwhile. */
  private wait(run: PodRun, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (run.stopped || this.closed) return resolve(false);
      const done = (): void => {
        clearTimeout(t);
        run.timers.delete(t);
        run.wakers.delete(done);
        resolve(!run.stopped && !this.closed);
      };
      const t = setTimeout(done, ms);
      run.timers.add(t);
      run.wakers.add(done);
    });
  }

  private wake(run: PodRun): void {
    for (const w of [...run.wakers]) w();
  }

  private update(run: PodRun, fn: (pod: Obj) => void): Obj | undefined {
    if (!this.current(run)) return undefined;
    return this.store.update('pods', run.namespace, run.name, fn);
  }

  private ref(pod: Obj, fieldPath?: string): InvolvedObject {
    return {
      kind: 'Pod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: pod.metadata.resourceVersion,
      fieldPath,
    };
  }

  private event(
    run: PodRun,
    c: ContainerRun | null,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    const pod = this.current(run);
    if (!pod) return;
    const fieldPath = c ? `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}` : undefined;
    this.events.record(this.ref(pod, fieldPath), type, reason, message, {
      component: 'kubelet',
      host: pod.spec?.nodeName,
    });
  }

  private podRef(run: PodRun): string {
    return `${run.name}_${run.namespace}(${run.uid})`;
  }

  private setContainerStatus(run: PodRun, c: ContainerRun, fn: (s: Obj) => void): void {
    this.update(run, (pod) => {
      const key = c.init ? 'initContainerStatuses' : 'containerStatuses';
      const list: Obj[] = (pod.status[key] ??= []);
      let s = list.find((x) => x.name === c.name);
      if (!s) {
        s = this.freshStatus(c);
        list.push(s);
      }
      fn(s);
      this.recompute(run, pod);
    });
  }

  private freshStatus(c: ContainerRun): Obj {
    return {
      name: c.name,
      state: { waiting: { reason: c.init ? 'PodInitializing' : 'ContainerCreating' } },
      lastState: {},
      ready: false,
      restartCount: c.restartCount,
      image: c.spec.image,
      imageID: '',
      started: false,
    };
  }

  /** Phase and conditions from the container statuses (kubelet getPhase + generateAPIPodStatus). */
  private recompute(run: PodRun, pod: Obj): void {
    if (run.forcedPhase) return;
    const st = pod.status;
    const spec = pod.spec;
    const inits: Obj[] = st.initContainerStatuses ?? [];
    const apps: Obj[] = st.containerStatuses ?? [];
    const initSpecs: Obj[] = spec.initContainers ?? [];
    const plainInits = initSpecs.filter((c) => c.restartPolicy !== 'Always');
    const initDone = plainInits.every((c) => inits.find((s) => s.name === c.name)?.state?.terminated?.exitCode === 0);
    const initFailed = plainInits.some((c) => {
      const s = inits.find((x) => x.name === c.name);
      return s?.state?.terminated && s.state.terminated.exitCode !== 0;
    });
    let phase = 'Pending';
    if (!initDone) {
      phase = initFailed && spec.restartPolicy === 'Never' ? 'Failed' : 'Pending';
    } else {
      let running = 0,
        waiting = 0,
        stopped = 0,
        succeeded = 0,
        failed = 0;
      for (const c of spec.containers as Obj[]) {
        const s = apps.find((x) => x.name === c.name);
        if (!s) {
          waiting++;
          continue;
        }
        if (s.state?.running) running++;
        else if (s.state?.terminated) {
          stopped++;
          if (s.state.terminated.exitCode === 0) succeeded++;
          else failed++;
        } else if (s.state?.waiting) {
          if (s.lastState?.terminated) {
            stopped++;
            if (s.lastState.terminated.exitCode === 0) succeeded++;
            else failed++;
          } else waiting++;
        }
      }
      if (waiting > 0) phase = 'Pending';
      else if (running > 0) phase = 'Running';
      else if (stopped > 0) {
        const rp = spec.restartPolicy;
        if (rp === 'Always') phase = 'Running';
        else if (rp === 'OnFailure') phase = succeeded === stopped ? 'Succeeded' : 'Running';
        else phase = failed > 0 ? 'Failed' : 'Succeeded';
      }
    }
    st.phase = phase;
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const notReady = apps.filter((s) => !s.ready).map((s) => s.name);
    for (const c of spec.containers as Obj[]) if (!apps.find((s) => s.name === c.name)) notReady.push(c.name);
    const uninit = plainInits
      .filter((c) => inits.find((s) => s.name === c.name)?.state?.terminated?.exitCode !== 0)
      .map((c) => c.name);
    this.condition(
      pod,
      'Initialized',
      initDone ? 'True' : 'False',
      initDone ? undefined : 'ContainersNotInitialized',
      initDone ? undefined : `containers with incomplete status: [${uninit.join(' ')}]`,
    );
    const ready = notReady.length === 0 && !terminal;
    const reason = terminal ? 'PodCompleted' : 'ContainersNotReady';
    const msg = terminal ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
    this.condition(
      pod,
      'ContainersReady',
      ready ? 'True' : 'False',
      ready ? undefined : reason,
      ready ? undefined : msg,
    );
    this.condition(pod, 'Ready', ready ? 'True' : 'False', ready ? undefined : reason, ready ? undefined : msg);
    if (terminal) this.condition(pod, 'PodReadyToStartContainers', 'False');
  }

  private condition(pod: Obj, type: string, status: string, reason?: string, message?: string): void {
    const list: Obj[] = (pod.status.conditions ??= []);
    let c = list.find((x) => x.type === type);
    if (!c) {
      c = { type, status: '' };
      const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
      list.push(c);
      list.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    }
    if (c.status !== status) c.lastTransitionTime = isoSeconds();
    c.status = status;
    c.lastProbeTime = null;
    if (reason) c.reason = reason;
    else delete c.reason;
    if (message) c.message = message;
    else delete c.message;
  }

  private fail(run: PodRun, reason: string, message: string, kill = false): void {
    run.forcedPhase = true;
    this.update(run, (pod) => {
      pod.status.phase = 'Failed';
      pod.status.reason = reason;
      pod.status.message = message;
      for (const t of ['Ready', 'ContainersReady']) this.condition(pod, t, 'False', 'PodFailed');
    });
    if (kill) run.stopped = true;
  }

  // -------------------------------------------------------------------------------------------
  // The pod's life

  private async lifecycle(run: PodRun): Promise<void> {
    let pod = this.current(run);
    if (!pod) return;

    // Scheduling.
    if (!pod.spec.nodeName) {
      if (!this.opts.scheduler) return;
      let delay = this.opts.stepMs;
      for (;;) {
        if (!(await this.wait(run, delay))) return;
        pod = this.current(run);
        if (!pod) return;
        const r = schedule(pod, this.store.list('nodes'), this.store.list('pods'));
        if (r.node) {
          const node = r.node;
          this.update(run, (p) => {
            p.spec.nodeName = node;
            this.condition(p, 'PodScheduled', 'True');
          });
          this.events.record(
            this.ref(pod),
            'Normal',
            'Scheduled',
            `Successfully assigned ${run.namespace}/${run.name} to ${node}`,
            { component: 'default-scheduler' },
          );
          break;
        }
        this.update(run, (p) => this.condition(p, 'PodScheduled', 'False', 'Unschedulable', r.message));
        this.events.record(this.ref(pod), 'Warning', 'FailedScheduling', r.message, { component: 'default-scheduler' });
        delay = Math.min(delay * 2 + this.opts.backoffMs, this.opts.maxBackoffMs);
      }
    }

    // A kubelet must be there and alive.
    for (;;) {
      pod = this.current(run);
      if (!pod) return;
      const node = this.store.get('nodes', null, pod.spec.nodeName);
      if (node && nodeReady(node)) break;
      if (!(await this.wait(run, Math.max(this.opts.stepMs, 100)))) return;
    }
    const nodeName: string = pod.spec.nodeName;
    const node = this.store.get('nodes', null, nodeName)!;
    if (!(await this.wait(run, this.opts.stepMs))) return;

    // Kubelet admission.
    if (!matchesNodeSelector(pod, node)) {
      const msg = "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector";
      this.event(run, null, 'Warning', 'NodeAffinity', msg);
      this.fail(run, 'NodeAffinity', msg, true);
      return;
    }
    const virtual = node.metadata?.labels?.[VIRTUAL_KUBELET_LABEL] === 'virtual-kubelet';
    const hostPathVols = ((pod.spec.volumes ?? []) as Obj[]).filter((v) => v.hostPath);
    if (virtual && hostPathVols.length) {
      const msg = `hostPath volumes are not supported by the virtual-kubelet provider: volume "${hostPathVols[0]!.name}"`;
      this.event(run, null, 'Warning', 'ProviderCreateFailed', msg);
      this.fail(run, 'ProviderFailed', msg, true);
      return;
    }

    // Sandbox.
    const hostIP =
      ((node.status?.addresses ?? []) as Obj[]).find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
    const podIP = `10.244.${(this.state.nodes.indexOf(node) + 1) % 255}.${(this.ipCounter++ % 250) + 2}`;
    this.update(run, (p) => {
      const st = p.status;
      st.hostIP = hostIP;
      st.hostIPs = [{ ip: hostIP }];
      st.podIP = podIP;
      st.podIPs = [{ ip: podIP }];
      st.startTime = isoSeconds();
      this.condition(p, 'PodScheduled', 'True');
      this.condition(p, 'PodReadyToStartContainers', 'True');
      st.initContainerStatuses = [...run.containers.values()].filter((c) => c.init).map((c) => this.freshStatus(c));
      if (st.initContainerStatuses.length === 0) delete st.initContainerStatuses;
      st.containerStatuses = [...run.containers.values()]
        .filter((c) => !c.init)
        .map((c) => ({
          ...this.freshStatus(c),
          state: { waiting: { reason: st.initContainerStatuses ? 'PodInitializing' : 'ContainerCreating' } },
        }));
      this.recompute(run, p);
    });
    mkdirSync(run.dir, { recursive: true });

    // activeDeadlineSeconds counts from startTime.
    const ads = pod.spec.activeDeadlineSeconds;
    if (typeof ads === 'number' && ads > 0) {
      run.deadline = setTimeout(() => void this.deadlineExceeded(run), ads * 1000);
    }

    // Volumes.
    let volumes: Map<string, VolumeSource> | null = null;
    let mountDelay = this.opts.backoffMs;
    for (;;) {
      pod = this.current(run);
      if (!pod) return;
      const r = resolveVolumes(run.dir, pod, nodeName, this.state);
      if (r.ok) {
        volumes = r.volumes;
        break;
      }
      this.event(run, null, 'Warning', 'FailedMount', r.message);
      if (!(await this.wait(run, mountDelay))) return;
      mountDelay = Math.min(mountDelay * 2, this.opts.maxBackoffMs);
    }

    // Init containers, one after the other (sidecars start and stay).
    for (const c of run.containers.values()) {
      if (!c.init) continue;
      if (run.stopped) return;
      if (c.sidecar) {
        void this.containerLoop(run, c, nodeName, volumes, node);
        while (!run.stopped && !c.proc) if (!(await this.wait(run, this.opts.stepMs))) return;
        continue;
      }
      const ok = await this.containerLoop(run, c, nodeName, volumes, node);
      if (!ok) return;
    }
    if (run.stopped) return;
    this.update(run, (p) => {
      for (const s of (p.status.containerStatuses ?? []) as Obj[]) {
        if (s.state?.waiting?.reason === 'PodInitializing') s.state.waiting.reason = 'ContainerCreating';
      }
    });
    const apps = [...run.containers.values()].filter((c) => !c.init);
    await Promise.all(apps.map((c) => this.containerLoop(run, c, nodeName, volumes!, node)));
    // Every app container is done for good: stop the sidecars.
    for (const c of run.containers.values()) if (c.sidecar && c.proc) c.proc.kill('SIGTERM');
    if (run.deadline) clearTimeout(run.deadline);
  }

  /**
   * Pulls, creates and runs one container until it is done for good (restart policy). Returns true
   * when it ended successfully (init containers: may the pod go on).
   */
  private async containerLoop(
    run: PodRun,
    c: ContainerRun,
    nodeName: string,
    volumes: Map<string, VolumeSource>,
    node: Obj,
  ): Promise<boolean> {
    const pod0 = this.current(run);
    if (!pod0) return false;
    const policy: string = c.sidecar ? 'Always' : pod0.spec.restartPolicy;
    let backoff = this.opts.backoffMs;
    let pullBackoff = this.opts.backoffMs;
    for (;;) {
      if (run.stopped) return false;
      // Image.
      const pulled = await this.pull(run, c, node);
      if (pulled === null) return false;
      if (!pulled) {
        if (!(await this.wait(run, pullBackoff))) return false;
        this.setContainerStatus(run, c, (s) => {
          s.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.spec.image}"` } };
        });
        this.event(run, c, 'Normal', 'BackOff', `Back-off pulling image "${c.spec.image}"`);
        this.event(run, c, 'Warning', 'Failed', 'Error: ImagePullBackOff');
        if (!(await this.wait(run, pullBackoff))) return false;
        pullBackoff = Math.min(pullBackoff * 2, this.opts.maxBackoffMs);
        continue;
      }
      // Config.
      const pod = this.current(run);
      if (!pod) return false;
      const cfg = containerConfig(
        { state: this.state, tools: this.tools, apiServer: this.apiServer, podRef: this.podRef(run) },
        pod,
        c.spec,
        volumes,
      );
      if ('error' in cfg) {
        this.setContainerStatus(run, c, (s) => {
          s.state = { waiting: { reason: 'CreateContainerConfigError', message: cfg.error } };
        });
        this.event(run, c, 'Warning', 'Failed', `Error: ${cfg.error}`);
        if (!(await this.wait(run, backoff))) return false;
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs);
        continue;
      }
      // Create + start.
      if (!(await this.wait(run, this.opts.stepMs))) return false;
      const containerID = hex(32);
      this.event(run, c, 'Normal', 'Created', `Created container: ${c.name}`);
      if (c.current) c.previous = c.current;
      const logs = new LogBuffer();
      c.current = logs;
      const proc = runContainer(
        { ...cfg.spec, rootDir: join(run.dir, `root-${c.name}-${c.restartCount}`) },
        this.tools,
        { onData: (chunk) => logs.write(chunk) },
      );
      c.proc = proc;
      if (proc.pid > 1) livePids.add(proc.pid);
      const began = await Promise.race([proc.started.then(() => true), proc.done.then(() => false)]);
      const startedAt = isoSeconds();
      if (began) {
        this.event(run, c, 'Normal', 'Started', `Started container ${c.name}`);
        this.setContainerStatus(run, c, (s) => {
          s.state = { running: { startedAt } };
          s.ready = !c.init || c.sidecar;
          s.started = true;
          s.containerID = `containerd://${containerID}`;
          s.image = normalizeImage(c.spec.image);
          s.imageID = imageId(c.spec.image);
        });
      }
      const result = await proc.done;
      livePids.delete(proc.pid);
      logs.end();
      c.proc = null;
      const finishedAt = isoSeconds();
      const terminated: Obj = {
        exitCode: result.exitCode,
        reason: result.startError ? 'StartError' : result.exitCode === 0 ? 'Completed' : 'Error',
        startedAt: result.startError ? '1970-01-01T00:00:00Z' : startedAt,
        finishedAt,
        containerID: `containerd://${containerID}`,
      };
      if (result.startError) {
        terminated.message = result.startError;
        terminated.exitCode = 128;
        logs.lines.length = 0;
      }
      if (result.startError) this.event(run, c, 'Warning', 'Failed', `Error: ${result.startError}`);
      const success = terminated.exitCode === 0;
      const restart = !run.stopped && !this.closed && (policy === 'Always' || (policy === 'OnFailure' && !success));
      if (!restart) {
        this.setContainerStatus(run, c, (s) => {
          s.state = { terminated };
          s.ready = false;
          s.started = false;
        });
        return success;
      }
      // Crash loop.
      c.restartCount++;
      this.setContainerStatus(run, c, (s) => {
        s.lastState = { terminated };
        s.restartCount = c.restartCount;
        s.ready = false;
        s.started = false;
        s.state = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${Math.round(backoff / 1000)}s restarting failed container=${c.name} pod=${this.podRef(run)}`,
          },
        };
      });
      this.event(
        run,
        c,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${this.podRef(run)}`,
      );
      if (!(await this.wait(run, backoff))) return false;
      backoff = Math.min(backoff * 2, this.opts.maxBackoffMs);
    }
  }

  /** true: image present; false: pull failed (ErrImagePull set); null: pod stopped. */
  private async pull(run: PodRun, c: ContainerRun, node: Obj): Promise<boolean | null> {
    const image: string = c.spec.image;
    const nodeName = node.metadata.name as string;
    const cache = this.pulled.get(nodeName) ?? new Set<string>();
    this.pulled.set(nodeName, cache);
    const policy = c.spec.imagePullPolicy ?? 'IfNotPresent';
    const windows =
      node.metadata?.labels?.['kubernetes.io/os'] === 'windows' || node.status?.nodeInfo?.operatingSystem === 'windows';
    const denied =
      windows || this.state.images.deny.some((p) => globMatch(p, image) || globMatch(p, normalizeImage(image)));
    if (!denied && policy !== 'Always' && cache.has(image)) {
      this.event(run, c, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return true;
    }
    if (policy === 'Never') {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      this.setContainerStatus(run, c, (s) => {
        s.state = { waiting: { reason: 'ErrImageNeverPull', message: msg } };
      });
      this.event(run, c, 'Warning', 'ErrImageNeverPull', msg);
      return (await this.wait(run, this.opts.maxBackoffMs)) ? false : null;
    }
    this.event(run, c, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const t0 = Date.now();
    if (!(await this.wait(run, this.opts.pullMs))) return null;
    if (denied) {
      const ref = normalizeImage(image);
      const err = windows
        ? `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": no match for platform in manifest: not found`
        : `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
      this.event(run, c, 'Warning', 'Failed', `Failed to pull image "${image}": ${err}`);
      this.event(run, c, 'Warning', 'Failed', 'Error: ErrImagePull');
      this.setContainerStatus(run, c, (s) => {
        s.state = { waiting: { reason: 'ErrImagePull', message: err } };
      });
      return false;
    }
    cache.add(image);
    const took = `${Date.now() - t0}ms`;
    const size = 1000000 + (parseInt(createHash('sha256').update(image).digest('hex').slice(0, 6), 16) % 50000000);
    this.event(
      run,
      c,
      'Normal',
      'Pulled',
      `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${size} bytes.`,
    );
    return true;
  }

  private async deadlineExceeded(run: PodRun): Promise<void> {
    const pod = this.current(run);
    if (!pod || run.stopped) return;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const msg = 'Pod was active on the node longer than the specified deadline';
    this.event(run, null, 'Normal', 'DeadlineExceeded', msg);
    run.stopped = true;
    this.wake(run);
    await this.killAll(run, Number(pod.spec.terminationGracePeriodSeconds ?? 30));
    this.markTerminated(run);
    this.fail(run, 'DeadlineExceeded', msg);
  }

  /** SIGTERM every container, SIGKILL after the grace period; resolves when all are gone. */
  private async killAll(run: PodRun, graceSeconds: number): Promise<void> {
    const waits: Array<Promise<unknown>> = [];
    for (const c of run.containers.values()) {
      const p = c.proc;
      if (!p) continue;
      this.event(run, c, 'Normal', 'Killing', `Stopping container ${c.name}`);
      p.kill(graceSeconds > 0 ? 'SIGTERM' : 'SIGKILL');
      const t = setTimeout(() => p.kill('SIGKILL'), Math.max(0, graceSeconds * 1000));
      waits.push(p.done.then(() => clearTimeout(t)));
    }
    await Promise.all(waits);
  }

  /** Containers that never got to run become terminated (ContainerStatusUnknown) when the pod stops. */
  private markTerminated(run: PodRun): void {
    this.update(run, (pod) => {
      for (const key of ['initContainerStatuses', 'containerStatuses']) {
        for (const s of (pod.status[key] ?? []) as Obj[]) {
          if (s.state?.running) {
            s.state = {
              terminated: {
                exitCode: 137,
                reason: 'Error',
                startedAt: s.state.running.startedAt,
                finishedAt: isoSeconds(),
                containerID: s.containerID,
              },
            };
            s.ready = false;
            s.started = false;
          }
        }
      }
    });
  }

  /** Graceful deletion: stop the containers, then confirm the deletion (the object goes away). */
  private async terminate(run: PodRun, graceSeconds: number): Promise<void> {
    run.stopped = true;
    this.wake(run);
    if (run.deadline) clearTimeout(run.deadline);
    const pod = this.current(run);
    const node = pod ? this.store.get('nodes', null, pod.spec?.nodeName ?? '') : undefined;
    if (!node || !nodeReady(node)) return; // no kubelet: stays Terminating
    await this.killAll(run, graceSeconds);
    // Let the container loops record the exits first.
    await new Promise((r) => setTimeout(r, 5));
    this.markTerminated(run);
    this.store.remove('pods', run.namespace, run.name);
  }

  private cleanupLater(run: PodRun): void {
    const procs = [...run.containers.values()].map((c) => c.proc?.done).filter(Boolean);
    void Promise.all(procs).then(() => {
      for (const t of run.timers) clearTimeout(t);
      if (run.deadline) clearTimeout(run.deadline);
      this.runs.delete(run.uid);
      rmSync(run.dir, { recursive: true, force: true });
    });
  }

  /** The log buffer `pods/log` serves, or the kubelet's error text (answered as 400 BadRequest). */
  logs(pod: Obj, container: string, previous: boolean): LogLookup {
    const name = pod.metadata.name;
    const key = `${pod.metadata.namespace}/${name}/${container}`;
    const run = this.runs.get(pod.metadata.uid);
    const statuses: Obj[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const s = statuses.find((x) => x.name === container);
    if (!run) {
      const text = this.state.logs[previous ? `${key}/previous` : key];
      if (text !== undefined)
        return {
          buffer: LogBuffer.fromText(
            text,
            new Date(s?.state?.running?.startedAt ?? s?.state?.terminated?.finishedAt ?? Date.now()),
          ),
          error: null,
        };
    }
    const c = run?.containers.get(container);
    const state = s?.state ?? {};
    if (previous) {
      if (c?.previous) return { buffer: c.previous, error: null };
      if (!run && s?.lastState?.terminated?.containerID) return { buffer: LogBuffer.fromText(''), error: null };
      return { buffer: null, error: `previous terminated container "${container}" in pod "${name}" not found` };
    }
    if (state.running || state.terminated) {
      if (c?.current) return { buffer: c.current, error: null };
      if (!run) return { buffer: LogBuffer.fromText(''), error: null };
    }
    if (state.waiting) {
      if (c?.current && s?.lastState?.terminated) return { buffer: c.current, error: null };
      if (!run && s?.lastState?.terminated?.containerID) return { buffer: LogBuffer.fromText(''), error: null };
      const r = state.waiting.reason;
      if (r === 'ErrImagePull')
        return {
          buffer: null,
          error: `container "${container}" in pod "${name}" is waiting to start: image can't be pulled`,
        };
      if (r === 'ImagePullBackOff')
        return {
          buffer: null,
          error: `container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image`,
        };
      return { buffer: null, error: `container "${container}" in pod "${name}" is waiting to start: ${r}` };
    }
    return { buffer: null, error: `container "${container}" in pod "${name}" is waiting to start - no logs yet` };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    const waits: Array<Promise<unknown>> = [];
    for (const run of this.runs.values()) {
      run.stopped = true;
      this.wake(run);
      for (const t of run.timers) clearTimeout(t);
      if (run.deadline) clearTimeout(run.deadline);
      for (const c of run.containers.values()) {
        if (c.proc) {
          c.proc.kill('SIGKILL');
          waits.push(c.proc.done);
        }
      }
    }
    await Promise.all(waits);
    for (const run of this.runs.values()) rmSync(run.dir, { recursive: true, force: true });
    this.runs.clear();
  }
}
