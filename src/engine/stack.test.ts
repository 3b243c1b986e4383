/** @module FilterStack in both modes: the case table (stack.cases.ts), ring and attach limits, the library API, and properties. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeProgram, insn } from '../bpf/insn-codec.js';
import { actionsLoggedFromNames, DEFAULT_ACTIONS_LOGGED } from './actions-logged.js';
import { recordSinks } from './audit-route.js';
import { FLAG_LOG } from './filter-flags.js';
import { constantProgram } from './program.js';
import { FilterStack } from './stack.js';
import { ALLOW, build, ERRNO, GETPID, KILL_PROCESS, KILL_THREAD, layerConst, LOG, ROWS, rowActionsLogged, SIDE, view, type Entry } from './stack.cases.js';

for (const r of ROWS) {
  test(`${r.mode}: ${r.name}`, () => {
    const got = view(build(r.mode, r.stack, rowActionsLogged(r)).evaluate(GETPID));
    assert.deepEqual(got, { value: r.value >>> 0, action: r.action, log: [...r.log] });
  });
}

test('proposed: a full ring drops and counts exactly; the reader gets records and one lost marker in order', async () => {
  const s = build('proposed', [{ filter: SIDE(1) }, { layer: layerConst(1), ring: 2 }]);
  const tos = [0, 1, 2, 3, 4].map(() => s.evaluate(GETPID).log.map((e) => e.to).join());
  assert.deepEqual(tos, ['ring', 'ring', 'lost', 'lost', 'lost']);
  const items = [];
  for await (const it of s.layers()[0]!.read()) items.push(it.kind === 'lost' ? `lost ${it.count}` : `tag ${it.record.tag}`);
  assert.deepEqual(items, ['tag 1', 'tag 1', 'lost 3']);
  assert.deepEqual(s.stats, { produced: 5, delivered: 2, lost: 3, ignored: 0 });
});

test('audit_enabled on or off: the same events are logged; only the sinks depend on auditd', () => {
  const stack = [{ filter: ERRNO(1), flags: FLAG_LOG }];
  const on = build('linux', stack).evaluate(GETPID);
  const off = build('linux', stack).evaluate(GETPID);
  assert.deepEqual(on, off); // the engine takes no audit state: seccomp_log() never reads audit_enabled
  assert.deepEqual(recordSinks({ enabled: true, auditd: false }), recordSinks({ enabled: false, auditd: false }));
  assert.deepEqual(recordSinks({ enabled: true, auditd: true }), ['netlink-readlog', 'auditd']);
  assert.deepEqual(recordSinks({ enabled: false, auditd: false }), ['netlink-readlog', 'kmsg']);
});

test('log layers are an error in linux mode', () => {
  const r = new FilterStack({ mode: 'linux' }).installLogLayer(layerConst(1));
  assert.equal(r.ok ? '' : r.error.format(), 'log layers exist only in proposed mode; set "mode": "proposed"');
});

test('attach: the path total counts eBPF lengths plus 4 per attached filter (RET K: 3641 fit, as measured on 6.18)', () => {
  const s = new FilterStack();
  let n = 0;
  for (;;) {
    const r = s.install(constantProgram(ALLOW));
    if (!r.ok) {
      assert.equal(r.error.errno, 'ENOMEM');
      break;
    }
    n++;
  }
  assert.equal(n, 3641);
});

test('attach: bad flag words fail as the kernel fails them', () => {
  const s = new FilterStack();
  const e = (flags: number): string => {
    const r = s.install(constantProgram(ALLOW), flags);
    return r.ok ? 'ok' : (r.error.errno ?? '');
  };
  assert.equal(e(0x40), 'EINVAL');
  assert.equal(e(32), 'EINVAL');
  assert.equal(e(1 | 8), 'EINVAL');
  assert.equal(e(8), 'ok');
  assert.equal(e(8), 'EBUSY');
});

const valueArb = fc.oneof(
  fc.constantFrom(KILL_PROCESS, KILL_THREAD, ERRNO(1), ERRNO(2), 0x00030001, 0x7fc00000, 0x7ff00001, LOG, ALLOW, 0x00010000),
  fc.integer({ min: 0, max: 0xff }).map(SIDE),
  fc.integer({ min: 0, max: 0xffffffff }),
);

test('property: removing every side-action filter never changes the outcome', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ v: valueArb, log: fc.boolean() }), { minLength: 1, maxLength: 6 }), (fs) => {
      const entries = fs.map((f) => ({ filter: f.v >>> 0, flags: f.log ? FLAG_LOG : 0 }));
      const all = build('proposed', entries).evaluate(GETPID);
      const noSide = build('proposed', entries.filter((e) => (e.filter & 0xff000000) >>> 0 !== 0xff000000)).evaluate(GETPID);
      assert.deepEqual([all.value, all.action, all.effect], [noSide.value, noSide.action, noSide.effect]);
    }),
  );
});

test('property: delivered + lost + ignored = produced, for any stack of filters and layers', () => {
  const entryArb: fc.Arbitrary<Entry> = fc.oneof(
    fc.record({ filter: valueArb }),
    fc.record({ layer: fc.integer({ min: 0, max: 3 }).map(layerConst), ring: fc.integer({ min: 1, max: 3 }) }),
  );
  fc.assert(
    fc.property(fc.array(entryArb, { maxLength: 7 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), (entries, runs, logLog) => {
      const logged = actionsLoggedFromNames(logLog ? ['log'] : []);
      assert.ok(logged.ok);
      const s = build('proposed', entries, logged.ok ? logged.value : DEFAULT_ACTIONS_LOGGED);
      let events = 0;
      for (let i = 0; i < runs; i++) events += s.evaluate(GETPID).log.filter((e) => e.kind === 'side').length;
      const st = s.stats;
      assert.equal(st.delivered + st.lost + st.ignored, st.produced);
      assert.equal(st.produced, events);
      const inRings = s.layers().reduce((n, l) => n + l.ring.stored, 0);
      const lostInRings = s.layers().reduce((n, l) => n + l.ring.lost, 0);
      assert.equal(lostInRings, st.lost);
      assert.ok(inRings <= st.delivered);
    }),
  );
});

test('library API: raw bytes and instructions in, verified with the kernel errno; a layer read as an async iterator', async () => {
  const s = new FilterStack({ mode: 'proposed' });
  const bad = s.install(encodeProgram([insn(0x20, 3), insn(0x06, ALLOW)])); // ld [3]: misaligned
  assert.equal(bad.ok ? '' : bad.error.format(), 'pc 0: the kernel would reject this program: load from offset 3 (must be a multiple of 4 below 64) (EINVAL)');
  assert.ok(s.install(encodeProgram([insn(0x06, SIDE(7))])).ok); // ret LOG(7)
  const layer = s.installLogLayer([insn(0x06, 1)], { ring: 8 }); // ret #1 (RING)
  assert.ok(layer.ok);
  s.evaluate(GETPID);
  s.evaluate(GETPID);
  const tags: number[] = [];
  if (layer.ok) for await (const it of layer.value.read()) if (it.kind === 'record') tags.push(it.record.tag);
  assert.deepEqual(tags, [7, 7]);
});

test('uretprobe (335) and uprobe (336) on x86_64 bypass every filter and are never logged; not on i386 or x32', () => {
  for (const mode of ['linux', 'proposed'] as const) {
    const s = build(mode, [{ filter: KILL_PROCESS }, { filter: SIDE(1) }]);
    for (const nr of [335, 336]) {
      const ev = s.evaluate({ ...GETPID, nr });
      assert.deepEqual([ev.action, ev.insns, ev.log.length], ['allow', 0, 0], `${mode} nr ${nr}`);
    }
    assert.equal(s.evaluate({ ...GETPID, nr: 334 }).action, 'kill_process');
    assert.equal(s.evaluate({ ...GETPID, nr: 335, arch: 0x40000003 }).action, 'kill_process');
    assert.equal(s.evaluate({ ...GETPID, nr: (335 | 0x40000000) >>> 0 }).action, 'kill_process');
  }
});
