// A throwaway npm registry on 127.0.0.1 for the package test. The lab has no
// network, and an offline `npm install` of our tarball needs the full
// packuments of its dependencies, which `npm ci` never stores in the cache
// (it keeps the abbreviated ones and the tarballs). So this registry serves
// only what package-lock.json pins for a user's install (the entries not
// marked dev), each tarball read from the npm cache by its integrity: the
// install works offline and gets exactly the versions the lockfile pins.
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import * as zlib from 'zlib';

export interface PinnedPackage {
  name: string;
  version: string;
  integrity: string;
  /** Where package-lock.json places it, e.g. node_modules/netlink/node_modules/@types/node. */
  location: string;
}

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  dev?: boolean;
}

/** The packages of package-lock.json (lockfileVersion 2 or 3) that a user's install gets. */
export function runtimePackages(lockText: string): PinnedPackage[] {
  const lock = JSON.parse(lockText) as { packages?: Record<string, LockEntry> };
  if (lock.packages === undefined) throw new Error('package-lock.json has no "packages" (lockfileVersion 2 or later needed)');
  const out: PinnedPackage[] = [];
  for (const [location, e] of Object.entries(lock.packages)) {
    if (location === '' || e.dev) continue;
    const name = e.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (!e.version || !e.integrity) throw new Error(`package-lock.json: ${location} has no version or no integrity`);
    out.push({ name, version: e.version, integrity: e.integrity, location });
  }
  return out;
}

/** Where npm's cache (cacache) keeps the content with this integrity: content-v2/<algorithm>/<hex split 2/2/rest>. */
export function cachedContentPath(cache: string, integrity: string): string {
  const m = /^(sha\d+)-([A-Za-z0-9+/]+=*)/.exec(integrity);
  if (!m) throw new Error(`unsupported integrity ${integrity}`);
  const hex = Buffer.from(m[2], 'base64').toString('hex');
  return path.join(cache, '_cacache', 'content-v2', m[1], hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

export function missingFromCache(cache: string, packages: readonly PinnedPackage[]): PinnedPackage[] {
  return packages.filter((p) => !fs.existsSync(cachedContentPath(cache, p.integrity)));
}

/** The package.json of an npm tarball (a gzipped tar whose one top directory is usually package/). */
export function manifestOfTarball(file: string): Record<string, unknown> {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const text = (from: number, length: number) => tar.toString('latin1', from, from + length).replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length;) {
    const name = text(at, 100);
    if (name === '') break;
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = text(at + 156, 1);
    const prefix = text(at + 345, 155);
    const full = prefix ? `${prefix}/${name}` : name;
    if ((type === '' || type === '0') && /^[^/]+\/package\.json$/.test(full)) {
      return JSON.parse(tar.toString('utf8', at + 512, at + 512 + size)) as Record<string, unknown>;
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${file}: no package.json in the tarball`);
}

export interface LockRegistry {
  /** Give it to npm as --registry. */
  url: string;
  /** "GET /path 200", one per request, for a failure message. */
  requests: string[];
  close(): Promise<void>;
}

export async function startLockRegistry(packages: readonly PinnedPackage[], cache: string): Promise<LockRegistry> {
  // Everything that can fail is read before the server listens.
  const pins = packages.map((p) => {
    const file = cachedContentPath(cache, p.integrity);
    return { ...p, file, manifest: manifestOfTarball(file), route: `/${p.name}/-/${p.name.split('/').pop()}-${p.version}.tgz` };
  });
  const tarballs = new Map(pins.map((p) => [p.route, p.file]));
  const packuments = new Map<string, string>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const route = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const packument = packuments.get(route.slice(1));
    const tarball = tarballs.get(route);
    const status = req.method !== 'GET' ? 405 : packument !== undefined || tarball !== undefined ? 200 : 404;
    requests.push(`${req.method} ${route} ${status}`);
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":"not here"}');
    } else if (packument !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(packument);
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(tarball!).pipe(res);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  for (const name of new Set(pins.map((p) => p.name))) {
    const mine = pins.filter((p) => p.name === name);
    const versions = Object.fromEntries(mine.map((p) => [
      p.version, { ...p.manifest, _id: `${name}@${p.version}`, dist: { tarball: `${url}${p.route}`, integrity: p.integrity } },
    ]));
    // A nested pin (a second version of a name) must not become latest.
    const latest = (mine.find((p) => p.location === `node_modules/${name}`) ?? mine[0]).version;
    packuments.set(name, JSON.stringify({ name, 'dist-tags': { latest }, versions }));
  }

  return {
    url,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
