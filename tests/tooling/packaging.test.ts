import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { Arch, build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../main/cli/paths';
import { ensureRendererBuilt } from '../../main/cli/rendererBuild';
import { buildElectronShell } from '../../main/electron/buildShell';
import { makeTempDir } from '../main/helpers/tempDir';

/**
 * electron-builder.yml, run the way store IT runs it, on a machine that cannot download
 * Electron: against a placeholder Electron distribution (a script carrying Electron's fuse
 * wire), with the native modules as installed here (no rebuild for Electron, which needs
 * Electron's headers from the internet). This proves the configuration, the ASAR, the unpacked
 * native modules, the fuses and the .deb's extra files; it cannot prove that the app starts.
 */

/** Electron's fuse sentinel (@electron/fuses 1.8, src/constants.ts): the wire follows it. */
const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const fuseOrder = ['runAsNode', 'enableCookieEncryption', 'enableNodeOptionsEnvironmentVariable', 'enableNodeCliInspectArguments', 'enableEmbeddedAsarIntegrityValidation', 'onlyLoadAppFromAsar', 'loadBrowserProcessSpecificV8Snapshot', 'grantFileProtocolExtraPrivileges'] as const;
type Fuse = (typeof fuseOrder)[number];
const [off, on] = ['0'.charCodeAt(0), '1'.charCodeAt(0)];
/** An unfused Electron 40's wire: every fuse at Electron's default. */
const electronDefaults: Record<Fuse, number> = {
  runAsNode: on,
  enableCookieEncryption: off,
  enableNodeOptionsEnvironmentVariable: on,
  enableNodeCliInspectArguments: on,
  enableEmbeddedAsarIntegrityValidation: off,
  onlyLoadAppFromAsar: off,
  loadBrowserProcessSpecificV8Snapshot: off,
  grantFileProtocolExtraPrivileges: on,
};
const electronVersion = '40.10.6';

/** An unpacked Electron for Linux as electron-builder copies it, with a script instead of the binary. */
function placeholderElectron(dir: string): string {
  const dist = join(dir, 'electron-dist');
  mkdirSync(join(dist, 'resources'), { recursive: true });
  mkdirSync(join(dist, 'locales'), { recursive: true });
  const wire = Buffer.from([1, fuseOrder.length, ...fuseOrder.map((fuse) => electronDefaults[fuse])]);
  const script = Buffer.from('#!/bin/sh\necho "placeholder Electron from the packaging test: not runnable" >&2\nexit 1\n# ');
  writeFileSync(join(dist, 'electron'), Buffer.concat([script, Buffer.from(fuseSentinel), wire, Buffer.from('\n')]));
  chmodSync(join(dist, 'electron'), 0o755);
  writeFileSync(join(dist, 'chrome-sandbox'), '');
  writeFileSync(join(dist, 'version'), electronVersion);
  writeFileSync(join(dist, 'LICENSE'), 'Electron placeholder');
  writeFileSync(join(dist, 'LICENSES.chromium.html'), '<html></html>');
  for (const locale of ['en-US', 'ru', 'lv', 'bg', 'de', 'fr']) writeFileSync(join(dist, 'locales', `${locale}.pak`), '');
  return dist;
}

function fuseWire(binary: string): Record<Fuse, number> & { version: number; length: number } {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(fuseSentinel) + fuseSentinel.length;
  expect(at).toBeGreaterThan(fuseSentinel.length - 1);
  expect(bytes.lastIndexOf(fuseSentinel) + fuseSentinel.length).toBe(at);
  const length = bytes[at + 1]!;
  return { version: bytes[at]!, length, ...(Object.fromEntries(fuseOrder.map((fuse, index) => [fuse, bytes[at + 2 + index]!])) as Record<Fuse, number>) };
}

interface AsarEntry {
  readonly files?: Record<string, AsarEntry>;
  readonly size?: number;
  readonly offset?: string;
  readonly unpacked?: boolean;
  readonly integrity?: { readonly algorithm: string; readonly hash: string };
}

/** An ASAR archive's header (a Chromium pickle: sizes, then the JSON index) and a way to read a packed file. */
function readAsar(path: string): { root: AsarEntry; entry(path: string): AsarEntry | undefined; read(path: string): Buffer } {
  const archive = readFileSync(path);
  const headerPickleSize = archive.readUInt32LE(4);
  const jsonLength = archive.readUInt32LE(12);
  const root = JSON.parse(archive.subarray(16, 16 + jsonLength).toString('utf8')) as AsarEntry;
  const dataStart = 8 + headerPickleSize;
  const entry = (filePath: string) => filePath.split('/').reduce<AsarEntry | undefined>((node, part) => node?.files?.[part], root);
  return {
    root,
    entry,
    read(filePath) {
      const found = entry(filePath);
      if (found?.offset === undefined || found.size === undefined) throw new Error(`${filePath} is not packed in ${path}`);
      return archive.subarray(dataStart + Number(found.offset), dataStart + Number(found.offset) + found.size);
    },
  };
}

/** Every packed file path under `node`, for listing what the archive holds. */
function packedPaths(node: AsarEntry, prefix = ''): string[] {
  return Object.entries(node.files ?? {}).flatMap(([name, child]) => (child.files ? packedPaths(child, `${prefix}${name}/`) : [`${prefix}${name}`]));
}

function electronBuilder(args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const cli = join(repoRoot, 'node_modules', 'electron-builder', 'cli.js');
    // electron-builder stays silent under Vitest (it looks for VITEST in the environment): give it a plain one.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
    execFile(process.execPath, [cli, ...args], { cwd: repoRoot, timeout: 110_000, maxBuffer: 16 * 1024 * 1024, env }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('electron-builder.yml', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let electronDist: string;
  let out: string;
  let run: { code: number; output: string };

  beforeAll(async () => {
    dir = makeTempDir('lanewise-packaging-');
    electronDist = placeholderElectron(dir.path);
    out = join(dir.path, 'packages');
    await ensureRendererBuilt();
    await buildElectronShell();
    run = await electronBuilder([
      '--linux',
      'dir',
      '--x64',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${electronDist}`,
      '-c.npmRebuild=false',
      `-c.electronVersion=${electronVersion}`,
      `-c.directories.output=${out}`,
      '--publish',
      'never',
    ]);
  }, 150_000);
  afterAll(() => dir?.remove());

  const unpacked = () => join(out, 'linux-unpacked');

  it('packs the Linux app against a placeholder Electron', () => {
    expect(run.output).toContain('executing @electron/fuses');
    expect(run.code, run.output).toBe(0);
    expect(existsSync(join(unpacked(), 'lanewise'))).toBe(true);
  });

  it('puts the shell, the kiosk page and package.json in app.asar, and leaves build tools and sources out', () => {
    const asar = readAsar(join(unpacked(), 'resources', 'app.asar'));
    for (const file of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'package.json']) expect(asar.entry(file), file).toBeDefined();
    const packageJson = JSON.parse(asar.read('package.json').toString('utf8')) as { main: string; version: string };
    expect(packageJson.main).toBe('dist/electron/main.cjs');
    // Each packed file carries its hashes: what ASAR integrity checks against the hash in the binary.
    expect(asar.entry('dist/electron/main.cjs')?.integrity?.algorithm).toBe('SHA256');

    // Every package the bundles load at run time (Vite leaves dependencies external) is in the archive.
    const bundles = ['main.cjs', 'preload.cjs', 'runtime.cjs'].map((name) => join(repoRoot, 'dist', 'electron', name)).filter(existsSync);
    const loaded = new Set(bundles.flatMap((bundle) => [...readFileSync(bundle, 'utf8').matchAll(/\b(?:require|import)\("([^".][^"]*)"\)/gu)].map((match) => match[1]!)));
    const packages = [...loaded].filter((name) => !name.startsWith('node:') && !builtinModules.includes(name) && name !== 'electron').map((name) => name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/'));
    expect(packages).toContain('electron-updater');
    for (const name of packages) expect(asar.entry(`node_modules/${name}/package.json`), name).toBeDefined();

    const paths = packedPaths(asar.root);
    expect(paths.filter((path) => path.endsWith('.map'))).toEqual([]);
    for (const external of ['better-sqlite3', 'serialport', 'node-hid', 'pino', 'ws', 'electron-updater']) expect(asar.entry(`node_modules/${external}/package.json`), external).toBeDefined();
    expect(paths.filter((path) => /^node_modules\/(tsx|esbuild|@esbuild)\//u.test(path) || /^node_modules\/better-sqlite3\/(deps|src)\//u.test(path))).toEqual([]);
  });

  it('leaves the native modules unpacked beside the archive', () => {
    const asar = readAsar(join(unpacked(), 'resources', 'app.asar'));
    for (const native of ['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node', 'node_modules/node-hid/prebuilds/HID_hidraw-linux-x64/node-napi-v4.node']) {
      expect(asar.entry(native)?.unpacked, native).toBe(true);
      expect(existsSync(join(unpacked(), 'resources', 'app.asar.unpacked', native)), native).toBe(true);
    }
    expect(existsSync(join(unpacked(), 'resources', 'app.asar.unpacked', 'node_modules/better-sqlite3/build/Release/test_extension.node'))).toBe(false);
  });

  it('flips the fuses in the packaged binary', () => {
    expect(fuseWire(join(unpacked(), 'lanewise'))).toEqual({
      version: 1,
      length: 8,
      runAsNode: off,
      enableCookieEncryption: on,
      enableNodeOptionsEnvironmentVariable: off,
      enableNodeCliInspectArguments: off,
      enableEmbeddedAsarIntegrityValidation: on,
      onlyLoadAppFromAsar: on,
      loadBrowserProcessSpecificV8Snapshot: electronDefaults.loadBrowserProcessSpecificV8Snapshot,
      grantFileProtocolExtraPrivileges: off,
    });
    // The placeholder's own copy is untouched: the fuses are flipped in the packaged copy only.
    expect(fuseWire(join(electronDist, 'electron')).runAsNode).toBe(on);
  });

  it('keeps only the shoppers’ languages of Chromium’s own strings', () => {
    for (const locale of ['en-US', 'ru', 'lv', 'bg']) expect(existsSync(join(unpacked(), 'locales', `${locale}.pak`)), locale).toBe(true);
    for (const locale of ['de', 'fr']) expect(existsSync(join(unpacked(), 'locales', `${locale}.pak`)), locale).toBe(false);
  });

  it('builds the .deb with the udev rules, the systemd user unit and a udev reload after install (up to fpm, which needs the internet)', async () => {
    const seen: { args: string[]; afterInstall: string }[] = [];
    await build({
      projectDir: repoRoot,
      targets: Platform.LINUX.createTarget(['deb'], Arch.x64),
      publish: 'never',
      config: { extends: join(repoRoot, 'electron-builder.yml'), electronDist, npmRebuild: false, electronVersion, directories: { output: join(dir.path, 'deb') } },
      // electron-builder's own hook: called with fpm's arguments just before fpm would run; true stops there.
      effectiveOptionComputed: ([args]: [string[]]) => {
        const afterInstall = args[args.indexOf('--after-install') + 1]!;
        seen.push({ args, afterInstall: readFileSync(afterInstall, 'utf8') });
        return Promise.resolve(true);
      },
    });
    expect(seen).toHaveLength(1);
    const { args, afterInstall } = seen[0]!;
    expect(args).toContain('build/linux/70-lanewise.rules=/usr/lib/udev/rules.d/70-lanewise.rules');
    expect(args).toContain('build/linux/lanewise-kiosk.service=/usr/lib/systemd/user/lanewise-kiosk.service');
    expect(args.some((arg) => arg.endsWith('=/opt/Lanewise'))).toBe(true);
    expect(afterInstall).toContain("update-alternatives --install '/usr/bin/lanewise' 'lanewise' '/opt/Lanewise/lanewise' 100");
    expect(afterInstall).toContain('udevadm control --reload-rules');
    expect(afterInstall).not.toContain('${');
    for (const file of ['70-lanewise.rules', 'lanewise-kiosk.service']) expect(existsSync(join(repoRoot, 'build', 'linux', file)), file).toBe(true);
    // udev's rule syntax (udevadm verify needs systemd 254; Debian 12 has 252): KEY{attr}op"value", comma separated.
    const rules = readFileSync(join(repoRoot, 'build', 'linux', '70-lanewise.rules'), 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(rules.length).toBeGreaterThan(3);
    for (const rule of rules) expect(rule).toMatch(/^[A-Z_]+(?:\{[A-Za-z_]+\})?(?:==|!=|\+=|:=|=)"[^"]*"(?:, [A-Z_]+(?:\{[A-Za-z_]+\})?(?:==|!=|\+=|:=|=)"[^"]*")*$/u);
    expect(readFileSync(join(repoRoot, 'build', 'linux', 'lanewise-kiosk.service'), 'utf8')).toMatch(/^ExecStart=\/opt\/Lanewise\/lanewise$/mu);
    // The .deb updates itself through electron-updater's deb updater, which finds this file.
    expect(readFileSync(join(dir.path, 'deb', 'linux-unpacked', 'resources', 'package-type'), 'utf8')).toBe('deb');
  }, 120_000);
});
