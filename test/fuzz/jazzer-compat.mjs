/**
 * Makes Jazzer.js's native addon load on this machine's glibc.
 *
 * Jazzer.js 4.0.0 ships its libFuzzer addon prebuilt inside the npm tarball
 * (node_modules/@jazzer.js/fuzzer/prebuilds/fuzzer-linux-x64.node), but that binary was linked on a
 * newer system: it asks for GLIBC_2.38 and GLIBCXX_3.4.32, and Debian 12 has glibc 2.36 and the
 * libstdc++ of GCC 12 (GLIBCXX_3.4.30). The addon cannot be rebuilt here: the package has no
 * sources, and older versions that do need a patched LLVM fetched from outside the npm registry.
 *
 * What the addon uses from those two versions is three symbols, and nothing else:
 *   __isoc23_strtol, __isoc23_strtoul   C23 spellings of strtol/strtoul (they also accept "0b…";
 *                                       libFuzzer only parses its own decimal flags with them)
 *   std::ios_base_library_init()       GCC 13's hook that makes sure iostreams are initialised
 * So, only when the addon does not load as shipped: (1) its requirements of those two versions are
 * marked weak (one flag bit each in .gnu.version_r, so the loader no longer refuses the file), after
 * checking in the ELF tables that no other symbol needs them; (2) a 5-line shim defining the three
 * symbols is compiled with g++ and preloaded (LD_PRELOAD) into the fuzzing process. Both steps are
 * idempotent, and the result is checked by loading the addon in a child process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const addon = path.join(root, 'node_modules', '@jazzer.js', 'fuzzer', 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
const cacheDir = path.join(root, 'node_modules', '.cache', 'plenary-fuzz');
const shimSource = `#include <cstdlib>
#include <ios>
extern "C" long __isoc23_strtol(const char *s, char **end, int base) { return std::strtol(s, end, base); }
extern "C" unsigned long __isoc23_strtoul(const char *s, char **end, int base) { return std::strtoul(s, end, base); }
namespace std { void ios_base_library_init() { static ios_base::Init init; } }
`;
const SHIMMED_VERSIONS = new Set(['GLIBC_2.38', 'GLIBCXX_3.4.32']);
const SHIMMED_SYMBOLS = new Set(['__isoc23_strtol', '__isoc23_strtoul', '_ZSt21ios_base_library_initv']);

/**
 * Tries to load the addon in a child process with `env`, binding every symbol at once (RTLD_NOW, so
 * a missing one fails here and not in the middle of a run); returns the loader's error or null.
 */
function loadError(env) {
  const code = `process.dlopen({ exports: {} }, ${JSON.stringify(addon)}, require('os').constants.dlopen.RTLD_NOW)`;
  const r = spawnSync(process.execPath, ['-e', code], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr.match(/Error: .*/)?.[0] ?? r.stderr.trim());
}

/** Marks the shimmed version requirements weak. Throws if any other symbol depends on them. */
function weakenVersionNeeds(file) {
  const b = fs.readFileSync(file);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * shentsize;
    return { type: b.readUInt32LE(o + 4), offset: Number(b.readBigUInt64LE(o + 0x18)), size: Number(b.readBigUInt64LE(o + 0x20)), link: b.readUInt32LE(o + 0x28) };
  });
  const str = (table, at) => b.toString('latin1', table + at, b.indexOf(0, table + at));
  const verneed = sections.find((s) => s.type === 0x6ffffffe);
  const versym = sections.find((s) => s.type === 0x6fffffff);
  const dynsym = sections.find((s) => s.type === 11);
  if (!verneed || !versym || !dynsym) throw new Error('jazzer-compat: the addon has no symbol version tables');
  const strtab = sections[verneed.link].offset;
  const weakened = new Map(); // version index → name
  let changed = false;
  for (let off = verneed.offset; ; ) {
    const count = b.readUInt16LE(off + 2);
    let aux = off + b.readUInt32LE(off + 8);
    for (let i = 0; i < count; i++) {
      const name = str(strtab, b.readUInt32LE(aux + 8));
      if (SHIMMED_VERSIONS.has(name)) {
        weakened.set(b.readUInt16LE(aux + 6), name);
        const flags = b.readUInt16LE(aux + 4);
        if (!(flags & 2)) {
          b.writeUInt16LE(flags | 2, aux + 4); // VER_FLG_WEAK
          changed = true;
        }
      }
      aux += b.readUInt32LE(aux + 12);
    }
    const next = b.readUInt32LE(off + 12);
    if (!next) break;
    off += next;
  }
  const symstr = sections[dynsym.link].offset;
  for (let i = 0; i < dynsym.size / 24; i++) {
    const version = b.readUInt16LE(versym.offset + 2 * i) & 0x7fff;
    if (!weakened.has(version)) continue;
    const name = str(symstr, b.readUInt32LE(dynsym.offset + 24 * i));
    if (!SHIMMED_SYMBOLS.has(name)) throw new Error(`jazzer-compat: ${name}@${weakened.get(version)} has no shim; cannot make the addon load here`);
  }
  if (changed) {
    if (!fs.existsSync(file + '.orig')) fs.copyFileSync(file, file + '.orig');
    fs.writeFileSync(file, b);
  }
}

/** The compiled shim (rebuilt when its source changes). */
function buildShim() {
  fs.mkdirSync(cacheDir, { recursive: true });
  const src = path.join(cacheDir, 'glibc-compat.cc');
  const lib = path.join(cacheDir, 'glibc-compat.so');
  if (!fs.existsSync(lib) || !fs.existsSync(src) || fs.readFileSync(src, 'utf8') !== shimSource) {
    fs.writeFileSync(src, shimSource);
    execFileSync('g++', ['-shared', '-fPIC', '-O2', '-o', lib, src], { stdio: 'inherit' });
  }
  return lib;
}

/** Environment the fuzzing process needs for the addon to load (empty when it loads as shipped). */
export function jazzerEnv() {
  if (!fs.existsSync(addon)) throw new Error(`Jazzer.js addon not found at ${addon}: run npm install`);
  const asShipped = loadError({});
  if (asShipped === null) return {};
  if (process.platform !== 'linux' || !/GLIBC(XX)?_[\d.]+' not found|undefined symbol: (__isoc23_strtoul?|_ZSt21ios_base_library_initv)/.test(asShipped)) throw new Error(`Jazzer.js addon does not load: ${asShipped}`);
  weakenVersionNeeds(addon);
  const env = { LD_PRELOAD: [buildShim(), process.env.LD_PRELOAD].filter(Boolean).join(':') };
  const patched = loadError(env);
  if (patched !== null) throw new Error(`Jazzer.js addon still does not load after the glibc shim: ${patched}`);
  return env;
}
