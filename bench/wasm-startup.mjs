// One start-up sample: WebAssembly.compile + WebAssembly.instantiate of the
// built Worker module, timed in this (fresh) process, as JSON on stdout.
// bench/run.mjs runs it many times, one process each, because V8 caches a
// compiled module per process and a second compile of the same bytes in one
// process would time the cache. The import object is stubs: the module has
// no start section, so instantiating calls none of them (the glue's
// __wbindgen_start runs later, on the first use).
//   node bench/wasm-startup.mjs build/index_bg.wasm
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.argv[2] ?? 'build/index_bg.wasm');
const t0 = performance.now();
const module = await WebAssembly.compile(bytes);
const t1 = performance.now();
const imports = {};
for (const imp of WebAssembly.Module.imports(module)) {
  const ns = (imports[imp.module] ??= {});
  if (imp.kind === 'function') ns[imp.name] = () => undefined;
  else if (imp.kind === 'tag') ns[imp.name] = WebAssembly.JSTag ?? new WebAssembly.Tag({ parameters: ['externref'] });
  else throw new Error(`unexpected import kind ${imp.kind} (${imp.module}.${imp.name})`);
}
const t2 = performance.now();
const instance = await WebAssembly.instantiate(module, imports);
const t3 = performance.now();
if (!(instance.exports.memory instanceof WebAssembly.Memory)) throw new Error('no memory export');
process.stdout.write(JSON.stringify({ compile_ms: t1 - t0, instantiate_ms: t3 - t2, total_ms: t1 - t0 + (t3 - t2) }) + '\n');
