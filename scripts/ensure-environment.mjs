#!/usr/bin/env node
// Makes sure what `npm run demo` or `npm test` needs is on this machine, installing what is
// missing: Debian packages through apt (as root, or with password-less sudo), npm packages
// from the lockfile. Quick when everything is already there. Plain Node, no dependencies,
// because it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const purpose = process.argv[2] ?? 'test';

/** Debian packages by what needs them. */
const debianPackages = {
  // socat joins the simulated devices to the drivers through pseudo-terminals; udev gives
  // serialport's device listing udevadm; node-hid loads libusb even for hidraw.
  demo: ['socat', 'udev', 'libusb-1.0-0'],
  // Chromium runs the end-to-end tests and the benchmark; DejaVu covers Cyrillic and Latvian;
  // the store backend tests start a throwaway PostgreSQL cluster with the server's initdb.
  test: ['socat', 'udev', 'libusb-1.0-0', 'chromium', 'fonts-dejavu-core', 'postgresql'],
};
/** better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded. */
const buildTools = { python3: 'python3', make: 'make', 'g++': 'g++' };

function say(message) {
  process.stderr.write(`[lanewise setup] ${message}\n`);
}

function fail(message) {
  say(message);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (!((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22)) {
    fail(`Node ${process.versions.node} is too old: Lanewise needs Node 20.19+ or 22.12+.`);
  }
}

function commandExists(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function missingDebianPackages(packages) {
  if (!commandExists('dpkg-query')) return null;
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...packages], { encoding: 'utf8' });
  const installed = new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0].split(':')[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

function ensureDebianPackages() {
  const wanted = [...(debianPackages[purpose] ?? debianPackages.test)];
  for (const [command, pkg] of Object.entries(buildTools)) if (!commandExists(command)) wanted.push(pkg);
  const missing = missingDebianPackages(wanted);
  if (missing === null) {
    const absent = ['socat', ...(purpose === 'test' ? ['chromium'] : [])].filter((command) => !commandExists(command));
    if (absent.length) fail(`This is not a Debian-based system and these commands are missing: ${absent.join(', ')}. Install them with your package manager.`);
    return;
  }
  if (missing.length === 0) return;

  const isRoot = process.getuid?.() === 0;
  const sudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!isRoot && !sudo) {
    fail(
      `Missing Debian packages: ${missing.join(' ')}.\n` +
        `  Install them as root, then run this command again:\n` +
        `    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [command, ...rest] = [...prefix, ...args];
    const result = spawnSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) fail(`"${args.join(' ')}" failed (exit ${result.status}).`);
  };
  say(`installing Debian packages: ${missing.join(' ')}`);
  run(['apt-get', 'update', '-q']);
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]);
}

function lockHash() {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(root, 'package-lock.json')));
  hash.update(process.versions.modules); // a new Node ABI needs native modules rebuilt
  return hash.digest('hex');
}

function ensureNpmPackages() {
  const stamp = join(root, 'node_modules', '.lanewise-install-stamp');
  const wanted = lockHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && nativeModulesLoad()) return;
  say('installing npm packages from package-lock.json (better-sqlite3 may compile from source: about a minute)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
  if (result.status !== 0) fail('npm ci failed; see the output above.');
  if (!nativeModulesLoad()) fail('better-sqlite3 or serialport did not load after installing; see the npm output above.');
  writeFileSync(stamp, wanted);
}

function nativeModulesLoad() {
  try {
    execFileSync(process.execPath, ['-e', "require('better-sqlite3')(':memory:').close(); require('@serialport/bindings-cpp')"], { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

checkNode();
ensureDebianPackages();
ensureNpmPackages();
