// Validation of the selected cluster and user, as clientcmd's ConfirmUsable does it (messages worded like
// client-go's, so they can be searched for).
import fs from 'node:fs';
import { EXEC_V1, type RawCluster, type RawExec, type RawUser } from './types.js';

/** null when the file can be read; else why not. */
export function readable(file: string): string | null {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (fs.statSync(file).isDirectory()) return 'is a directory';
    return null;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return err.code === 'ENOENT' ? 'no such file or directory' : err.message;
  }
}

export function validateCluster(name: string, c: RawCluster): string[] {
  const errs: string[] = [];
  const caFile = c['certificate-authority'];
  if (caFile && c['certificate-authority-data']) {
    errs.push(
      `certificate-authority-data and certificate-authority are both specified for ${name}. certificate-authority-data will override.`,
    );
  }
  if (caFile) {
    const why = readable(caFile);
    if (why) errs.push(`unable to read certificate-authority ${caFile} for ${name} due to ${why}`);
  }
  return errs;
}

function validateClientCertificate(name: string, u: RawUser): string[] {
  const errs: string[] = [];
  const cert = u['client-certificate'];
  const key = u['client-key'];
  if (cert || u['client-certificate-data']) {
    if (cert && u['client-certificate-data'])
      errs.push(`client-cert-data and client-cert are both specified for ${name}. client-cert-data will override.`);
    if (key && u['client-key-data'])
      errs.push(`client-key-data and client-key are both specified for ${name}; client-key-data will override`);
    if (!key && !u['client-key-data'])
      errs.push(
        `client-key-data or client-key must be specified for ${name} to use the clientCert authentication method.`,
      );
    const certWhy = cert ? readable(cert) : null;
    if (certWhy) errs.push(`unable to read client-cert ${cert} for ${name} due to ${certWhy}`);
    const keyWhy = key ? readable(key) : null;
    if (keyWhy) errs.push(`unable to read client-key ${key} for ${name} due to ${keyWhy}`);
  } else if (key || u['client-key-data']) {
    errs.push(
      `client-cert-data or client-cert must be specified for ${name} to use the clientCert authentication method.`,
    );
  }
  return errs;
}

/** client-go defaults interactiveMode to IfAvailable for v1beta1 (and older); v1 must say it. */
export function execInteractiveMode(exec: RawExec): string {
  if (exec.interactiveMode) return exec.interactiveMode;
  return exec.apiVersion && exec.apiVersion !== EXEC_V1 ? 'IfAvailable' : '';
}

function validateExec(name: string, u: RawUser, exec: RawExec): string[] {
  const errs: string[] = [];
  if (u['auth-provider']) errs.push(`authProvider cannot be provided in combination with an exec plugin for ${name}`);
  if (!exec.command) errs.push(`command must be specified for ${name} to use exec authentication plugin`);
  if (!exec.apiVersion) errs.push(`apiVersion must be specified for ${name} to use exec authentication plugin`);
  for (const e of exec.env ?? [])
    if (!e?.name) errs.push(`env variable name must be specified for ${name} to use exec authentication plugin`);
  const mode = execInteractiveMode(exec);
  if (mode === '') errs.push(`interactiveMode must be specified for ${name} to use exec authentication plugin`);
  else if (!['Never', 'IfAvailable', 'Always'].includes(mode))
    errs.push(`invalid interactiveMode for ${name}: ${JSON.stringify(mode)}`);
  return errs;
}

export function validateUser(name: string, u: RawUser): string[] {
  const methods: string[] = [];
  if (u.token || u.tokenFile) methods.push('token');
  if (u.username || u.password) methods.push('basicAuth');
  const errs = [...validateClientCertificate(name, u), ...(u.exec ? validateExec(name, u, u.exec) : [])];
  if (methods.length > 1)
    errs.push(
      `more than one authentication method found for ${name}; found [${methods.join(' ')}], only one is allowed`,
    );
  const extras = u['as-uid'] || u['as-groups']?.length || Object.keys(u['as-user-extra'] ?? {}).length;
  if (extras && !u.as) errs.push(`requesting uid, groups or user-extra for ${name} without impersonating a user`);
  return errs;
}
