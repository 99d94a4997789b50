// The old import path of kubeconfig loading, kept so that existing imports keep working: everything lives in
// src/kube/config/ (see its index.ts for which file does what).
export * from './config/index.js';
