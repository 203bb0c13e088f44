// Differential testing of the agent envelope against Cedar: for seeds
// S .. S+N-1 it generates a case (random entities' roles, 3-7 random policies
// over `context.agent`, 6 requests with random envelopes: chains of humans
// and agents of depth 0-5, credentials with random times and scopes,
// approvals, RFC 3339 times with offsets and fractions), decides the
// requests with `larch eval`, prints them with `larch materialize` and
// decides that plain Cedar with cedar-wasm, and requires the same decision,
// reasons and erroring policies on every request.
//
//   node tests/diff/agent_difftest.mjs --larch <build>/tools/larch/larch \
//     --cedar-wasm <build>/cedar-wasm --work <build>/agent-difftest \
//     [--seed 1] [--cases 100]
//
// Exit code: 0 all agree, 1 some mismatch, 2 bad usage or a tool failure.
// A failing case is kept in <work>/case-<seed>/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCedar } from './cedar_runner.mjs';

const opts = { seed: 1, cases: 100 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
  const a = argv[i];
  const val = () => argv[++i];
  if (a === '--larch') opts.larch = val();
  else if (a === '--cedar-wasm') opts.cedarWasm = val();
  else if (a === '--work') opts.work = val();
  else if (a === '--seed') opts.seed = Number(val());
  else if (a === '--cases') opts.cases = Number(val());
  else {
    process.stderr.write(`agent_difftest: unexpected argument \`${a}\`\n`);
    process.exit(2);
  }
}
for (const k of ['larch', 'cedarWasm', 'work'])
  if (!opts[k]) {
    process.stderr.write('agent_difftest: --larch, --cedar-wasm and --work are required\n');
    process.exit(2);
  }

/** mulberry32: a small seeded generator. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (xs) => xs[int(0, xs.length - 1)];
  const chance = (p) => next() < p;
  const subset = (xs) => xs.filter(() => chance(0.5));
  const shuffle = (xs) => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; --i) {
      const j = int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return { int, pick, chance, subset, shuffle };
}

const HUMANS = ['h0', 'h1', 'h2', 'h3'];
const AGENTS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
const ACTIONS = ['push', 'read', 'deploy'];
const SCOPES = ['repo:read', 'repo:write', 'deploy', 'admin'];
const BASE = Date.UTC(2026, 10, 28, 19, 0, 0); // 2026-11-28T19:00:00Z

const ent = (type, id) => ({ type, id });

function entities(r) {
  const out = [{ uid: ent('Team', 't0'), attrs: {}, parents: [] },
               { uid: ent('Team', 't1'), attrs: {}, parents: [] },
               { uid: ent('Repo', 'r0'), attrs: {}, parents: [] }];
  for (const h of HUMANS)
    out.push({ uid: ent('Human', h), attrs: {}, parents: [ent('Team', r.pick(['t0', 't1']))] });
  for (const a of AGENTS)
    out.push({ uid: ent('Agent', a), attrs: {}, parents: r.chance(0.7) ? [ent('Team', r.pick(['t0', 't1']))] : [] });
  for (const a of ACTIONS)
    out.push({ uid: ent('Action', a), attrs: {}, parents: [] });
  return out;
}

/** An RFC 3339 text of `ms`, in one of several spellings. */
function timeText(r, ms) {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  switch (r.int(0, 4)) {
    case 0: return iso;
    case 1: return ms % 1000 === 0 ? iso.slice(0, 19) + 'Z' : iso;
    case 2: { // an offset: the same instant in another zone
      const offMin = r.pick([-330, -300, 60, 120, 345]);
      const local = new Date(ms + offMin * 60000).toISOString().slice(0, 23);
      const sign = offMin < 0 ? '-' : '+';
      const abs = Math.abs(offMin);
      const hh = String(Math.floor(abs / 60)).padStart(2, '0');
      const mm = String(abs % 60).padStart(2, '0');
      return `${local}${sign}${hh}:${mm}`;
    }
    case 3: return iso.slice(0, 23) + '123Z'; // microseconds are dropped
    default: return iso.slice(0, 23) + '+0000'; // Cedar's own offset form
  }
}

function envelope(r, principal, now) {
  const depth = r.int(0, 5);
  const env = { instance: `spiffe://acme/agent/${principal}/i${r.int(0, 9)}`,
                owner: ent('Human', r.pick(HUMANS)) };
  if (r.chance(0.5)) env.session = r.pick(['', 's-1', 's-2']);
  if (depth > 0 || r.chance(0.4)) {
    const pool = r.shuffle([...HUMANS.map((h) => ent('Human', h)),
                            ...AGENTS.filter((a) => a !== principal).map((a) => ent('Agent', a))]);
    const hops = pool.slice(0, depth);
    hops.push(ent('Agent', principal));
    env.delegation = hops.map((h) => (r.chance(0.3) ? `${h.type}::"${h.id}"` : h));
  }
  if (r.chance(0.7)) {
    const issued = now + r.int(-120, 5) * 60000 + r.int(0, 999);
    const expires = issued + r.int(1, 150) * 60000;
    env.credential = { id: `cred-${r.int(0, 99)}`, issued_at: timeText(r, issued),
                       expires_at: timeText(r, expires) };
    if (r.chance(0.8)) env.credential.scopes = r.subset(SCOPES);
  }
  if (r.chance(0.5)) {
    env.approval = { id: `apr-${r.int(0, 99)}`, approver: ent('Human', r.pick(HUMANS)),
                     actions: r.subset(ACTIONS).map((a) => ent('Action', a)),
                     expires_at: timeText(r, now + r.int(-60, 240) * 60000) };
    if (r.chance(0.5)) env.approval.task = r.pick(['', 'T-1', 'T-2']);
    if (r.chance(0.5)) env.approval.intent = 'fix the build';
  }
  return env;
}

/** Policy conditions over context.agent; some error without a `has` test. */
const CONDITIONS = [
  (r) => `context.agent.depth > ${r.int(0, 4)}`,
  (r) => `context.agent.depth <= ${r.int(0, 3)}`,
  (r) => `context.agent.chain.contains(Agent::"${r.pick(AGENTS)}")`,
  (r) => `context.agent.chain.contains(Human::"${r.pick(HUMANS)}")`,
  () => 'context.agent.originator is Human',
  () => 'context.agent.originator is Agent && context.agent.depth >= 1',
  (r) => `context.agent has credential && context.agent.credential.remaining > duration("${r.pick(['5m', '30m', '1h', '-10m'])}")`,
  (r) => `context.agent.credential.ttl <= duration("${r.pick(['1h', '30m', '2h'])}")`,
  (r) => `context.agent has credential && context.agent.credential.scopes.contains("${r.pick(SCOPES)}")`,
  () => 'context.agent has approval && context.agent.approval.actions.contains(action)',
  () => 'context.agent has approval && context.agent.now < context.agent.approval.expires_at',
  () => 'context.agent.approval.actions.contains(action) && context.agent.now < context.agent.approval.expires_at',
  (r) => `context.agent has delegator && context.agent.delegator in Team::"${r.pick(['t0', 't1'])}"`,
  (r) => `context.agent.originator in Team::"${r.pick(['t0', 't1'])}"`,
  (r) => `context.agent.owner in Team::"${r.pick(['t0', 't1'])}"`,
  () => 'context.agent.owner in context.agent.chain',
  () => 'principal in context.agent.chain && context.agent.chain.containsAll([principal])',
  (r) => `context.agent.now >= datetime("2026-11-28T${String(r.int(19, 22)).padStart(2, '0')}:00:00Z")`,
  () => 'context.agent has credential && context.agent.credential.expires_at.durationSince(context.agent.now) > duration("10m")',
  () => 'context.agent has credential && context.agent.credential.issued_at <= context.agent.now',
  (r) => `context.agent.session == "${r.pick(['', 's-1'])}"`,
  (r) => `context.agent has approval && context.agent.approval.task == "${r.pick(['', 'T-1'])}"`,
  () => 'context.agent.instance like "spiffe://acme/agent/a1/*"',
  () => 'context.agent has delegator && context.agent.delegator == context.agent.originator',
  (r) => `context.risk > ${r.int(10, 90)}`,
];

function policies(r) {
  const n = r.int(3, 7);
  const out = [];
  for (let i = 0; i < n; ++i) {
    const effect = r.chance(0.7) ? 'permit' : 'forbid';
    const k = r.int(1, 2);
    const conds = [];
    for (let j = 0; j < k; ++j)
      conds.push(r.pick(CONDITIONS)(r));
    const scope = r.chance(0.3) ? `action == Action::"${r.pick(ACTIONS)}"` : 'action';
    const id = `p${i}`;
    out.push({ id, text: `@id("${id}")\n${effect}(principal, ${scope}, resource)\n` +
                         `  when { ${conds.join(' && ')} };\n` });
  }
  return out;
}

function requests(r) {
  const out = [];
  for (let i = 0; i < 6; ++i) {
    const principal = r.pick(AGENTS);
    const now = BASE + r.int(0, 240) * 60000 + (r.chance(0.3) ? r.int(0, 999) : 0);
    out.push({ principal: ent('Agent', principal), action: ent('Action', r.pick(ACTIONS)),
               resource: ent('Repo', 'r0'), context: { risk: r.int(0, 100) },
               time: timeText(r, now), agent: envelope(r, principal, now) });
  }
  return out;
}

function run(args, input) {
  const res = spawnSync(opts.larch, args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (res.error || res.status === null) {
    process.stderr.write(`agent_difftest: cannot run larch: ${res.error || res.signal}\n`);
    process.exit(2);
  }
  return { status: res.status, lines: res.stdout.split('\n').filter((l) => l.trim() !== ''),
           stderr: res.stderr };
}

const cedar = await loadCedar(opts.cedarWasm);
const work = resolve(opts.work);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
let mismatches = 0, decided = 0, allows = 0, errored = 0;
for (let seed = opts.seed; seed < opts.seed + opts.cases; ++seed) {
  const r = rng(seed * 7919);
  const dir = join(work, `case-${seed}`);
  mkdirSync(dir, { recursive: true });
  const ents = entities(r);
  const pols = policies(r);
  const reqs = requests(r);
  const input = reqs.map((q) => JSON.stringify(q)).join('\n') + '\n';
  writeFileSync(join(dir, 'entities.json'), JSON.stringify(ents, null, 1));
  writeFileSync(join(dir, 'policies.cedar'), pols.map((p) => p.text).join('\n'));
  writeFileSync(join(dir, 'requests.jsonl'), input);

  const larch = run(['eval', '--policies', join(dir, 'policies.cedar'), '--entities',
                     join(dir, 'entities.json'), '--format', 'decision'], input);
  const plain = run(['materialize'], input);
  if (larch.status !== 0 || plain.status !== 0 || larch.lines.length !== reqs.length ||
      plain.lines.length !== reqs.length) {
    process.stderr.write(`case ${seed}: larch failed (eval ${larch.status}, materialize ` +
                         `${plain.status})\n${larch.stderr}${plain.stderr}` +
                         `${larch.lines.join('\n')}\n${plain.lines.join('\n')}\n`);
    ++mismatches;
    continue;
  }
  const policySet = { staticPolicies: Object.fromEntries(pols.map((p) => [p.id, p.text])) };
  let ok = true;
  for (let i = 0; i < reqs.length; ++i) {
    const mine = JSON.parse(larch.lines[i]);
    const q = JSON.parse(plain.lines[i]);
    const res = cedar.isAuthorized({ principal: q.principal, action: q.action,
                                     resource: q.resource, context: q.context,
                                     policies: policySet, entities: ents });
    let theirs;
    if (res.type !== 'success') {
      theirs = { failure: res.errors.map((e) => e.message).join('; ') };
    } else {
      const d = res.response;
      theirs = { decision: d.decision, reasons: [...d.diagnostics.reason].sort(),
                 errors: [...new Set(d.diagnostics.errors.map((e) => e.policyId))].sort() };
    }
    const ours = { decision: mine.decision, reasons: [...mine.reasons].sort(),
                   errors: [...new Set(mine.errors.map((e) => e.policy))].sort() };
    ++decided;
    if (ours.decision === 'allow') ++allows;
    if (ours.errors.length) ++errored;
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
      ok = false;
      if (mismatches < 5)
        process.stderr.write(`MISMATCH case ${seed} request ${i}\n  request: ${JSON.stringify(reqs[i])}\n` +
                             `  materialized: ${plain.lines[i]}\n  larch: ${JSON.stringify(ours)}` +
                             ` ${JSON.stringify(mine.errors)}\n  cedar: ${JSON.stringify(theirs)}\n` +
                             `  policies:\n${pols.map((p) => p.text).join('')}\n`);
    }
  }
  if (ok) rmSync(dir, { recursive: true, force: true });
  else ++mismatches;
}
process.stdout.write(`agent_difftest: ${opts.cases} cases, ${decided} requests ` +
                     `(${allows} allowed, ${errored} with policy errors), ` +
                     `${mismatches} case(s) differ\n`);
process.exit(mismatches ? 1 : 0);
