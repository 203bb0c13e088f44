// Differential testing against Cedar: the harness. For seeds S .. S+N-1 it
// generates a case (larch_diff_gen), decides every request with `larch eval`
// and with cedar-wasm (cedar_runner.mjs), and requires the same decision, the
// same reason ids and the same erroring policy ids (as sets) on every request.
// A case that Cedar refuses to load must be refused by Larch too.
//
//   node tests/diff/difftest.mjs --gen <build>/tests/diff/larch_diff_gen \
//     --larch <build>/tools/larch/larch --cedar-wasm <build>/cedar-wasm \
//     --work <build>/difftest [--seed 1] [--cases 300] [--jobs 2] [--keep]
//     [--policies MIN-MAX]
//
// `--policies` is passed to the generator (policies per case; above 7 the
// many-policy form: hundreds of policies with overlapping scopes and shared
// conditions).
//
// Hand-written cases in tests/diff/cases/ run first, every time.
// On a mismatch it prints the seed, the policies, the entities, the request
// and both answers, and keeps the case in <work>/failures/case-<seed>/.
// Exit code: 0 all agree, 1 some mismatch, 2 bad usage or a tool failure.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decideCase, loadCedar } from './cedar_runner.mjs';

const opts = { seed: 1, cases: 300, jobs: 2, keep: false, chunk: 200, maxReports: 5 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
  const a = argv[i];
  const val = () => {
    if (i + 1 >= argv.length) {
      process.stderr.write(`difftest: \`${a}\` needs a value\n`);
      process.exit(2);
    }
    return argv[++i];
  };
  if (a === '--gen') opts.gen = val();
  else if (a === '--larch') opts.larch = val();
  else if (a === '--cedar-wasm') opts.cedarWasm = val();
  else if (a === '--work') opts.work = val();
  else if (a === '--seed') opts.seed = Number(val());
  else if (a === '--cases') opts.cases = Number(val());
  else if (a === '--jobs') opts.jobs = Math.max(1, Number(val()));
  else if (a === '--keep') opts.keep = true;
  else if (a === '--policies') opts.policies = val();
  else {
    process.stderr.write(`difftest: unexpected argument \`${a}\`\n`);
    process.exit(2);
  }
}
for (const k of ['gen', 'larch', 'cedarWasm', 'work'])
  if (!opts[k]) {
    process.stderr.write('difftest: --gen, --larch, --cedar-wasm and --work are required\n');
    process.exit(2);
  }

const genPolicies = opts.policies ? ['--policies', opts.policies] : [];
const cedar = await loadCedar(opts.cedarWasm);
const work = resolve(opts.work);
const failDir = join(work, 'failures');
mkdirSync(work, { recursive: true });

const stats = {
  cases: 0, requests: 0, allow: 0, denyForbid: 0, denyDefault: 0,
  policyEvals: 0, satisfied: 0, erroring: 0, requestsWithErrors: 0,
  rejectedByBoth: 0, unreadable: 0, mismatches: 0,
};
const failedSeeds = new Set();

/** Runs `larch eval` on a case; resolves to {code, stdout, stderr}. */
function runLarch(caseDir) {
  const extra = readFileSync(join(caseDir, 'larch.args'), 'utf8')
    .split('\n').filter((l) => l !== '');
  const args = ['eval', '--format', 'decision', '--policies', join(caseDir, 'policies.cedar'),
                '--entities', join(caseDir, 'entities.json'), ...extra];
  return new Promise((done) => {
    const child = spawn(opts.larch, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => done({ code: -1, stdout, stderr: String(e) }));
    child.on('close', (code) => done({ code, stdout, stderr }));
    // Larch exits before reading its input when the case does not load.
    child.stdin.on('error', () => {});
    child.stdin.end(readFileSync(join(caseDir, 'requests.jsonl')));
  });
}

const sameSet = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function report(seed, caseDir, what, detail) {
  stats.mismatches += 1;
  mkdirSync(failDir, { recursive: true });
  const kept = join(failDir, `case-${seed}`);
  if (!failedSeeds.has(seed))
    cpSync(caseDir, kept, { recursive: true });
  failedSeeds.add(seed);
  if (stats.mismatches > opts.maxReports) {
    process.stdout.write(`MISMATCH seed ${seed}: ${what} (kept in ${kept})\n`);
    return;
  }
  const show = (f) => readFileSync(join(caseDir, f), 'utf8').trimEnd();
  process.stdout.write([
    '', `==== MISMATCH seed ${seed}: ${what}`,
    '---- policies.cedar', show('policies.cedar'),
    '---- policy ids', show('policies.json'),
    '---- entities.json', show('entities.json'),
    detail, `---- kept in ${kept}`,
    `---- reproduce: ${opts.gen} --seed ${seed}${genPolicies.map((a) => ' ' + a).join('')}` +
      ' --out DIR, then larch eval and' +
      ' tests/diff/cedar_runner.mjs on DIR/case-' + seed, '',
  ].join('\n') + '\n');
}

function compareCase(seed, caseDir, cedarRes, larchRes) {
  stats.cases += 1;
  if (cedarRes.failure !== undefined) {
    if (larchRes.code === 2) {
      stats.rejectedByBoth += 1;
      return;
    }
    report(seed, caseDir, 'Cedar rejects the case, Larch loads it',
           `---- Cedar: ${cedarRes.failure}\n---- Larch exit ${larchRes.code}`);
    return;
  }
  const unreadable = cedarRes.answers.some((a) => a.requestFailure !== undefined);
  if (larchRes.code !== (unreadable ? 1 : 0)) {
    report(seed, caseDir, `Larch exits ${larchRes.code}, Cedar decides` +
             (unreadable ? ' (with an unreadable request)' : ''),
           `---- Larch stderr:\n${larchRes.stderr.trimEnd()}\n${larchRes.stdout.trimEnd()}`);
    return;
  }
  const lines = larchRes.stdout.split('\n').filter((l) => l.trim() !== '');
  const requests = readFileSync(join(caseDir, 'requests.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim() !== '');
  const nPolicies = JSON.parse(readFileSync(join(caseDir, 'policies.json'), 'utf8'))
    .policies.length;
  if (lines.length !== cedarRes.answers.length) {
    report(seed, caseDir, `Larch printed ${lines.length} lines for ${requests.length} requests`,
           larchRes.stdout);
    return;
  }
  cedarRes.answers.forEach((c, i) => {
    const l = JSON.parse(lines[i]);
    const lReasons = [...l.reasons].sort();
    const lErrors = [...new Set(l.errors.map((e) => e.policy))].sort();
    stats.requests += 1;
    if (c.requestFailure !== undefined) {
      // Larch's form of "cannot read this request": a deny whose only error
      // has an empty policy id.
      stats.unreadable += 1;
      if (l.decision !== 'deny' || lReasons.length || !sameSet(lErrors, ['']))
        report(seed, caseDir, `request ${i + 1}: Cedar cannot read it, Larch decides`, [
          '---- request', requests[i], `---- Cedar: ${c.requestFailure}`, '---- Larch', lines[i],
        ].join('\n'));
      return;
    }
    stats.policyEvals += nPolicies;
    stats.erroring += c.errors.length;
    stats.satisfied += c.reasons.length;
    if (c.errors.length) stats.requestsWithErrors += 1;
    if (c.decision === 'allow') stats.allow += 1;
    else if (c.reasons.length) stats.denyForbid += 1;
    else stats.denyDefault += 1;
    if (l.decision === c.decision && sameSet(lReasons, c.reasons) && sameSet(lErrors, c.errors))
      return;
    report(seed, caseDir, `request ${i + 1} decided differently`, [
      '---- request', requests[i],
      '---- Cedar', JSON.stringify({ decision: c.decision, reasons: c.reasons, errors: c.errors }),
      ...c.messages.map((m) => `  ${m}`),
      '---- Larch', lines[i],
    ].join('\n'));
  });
}

const started = Date.now();
// Hand-written cases first (tests/diff/cases/<name>/, same layout as a
// generated case): corners found while building this test.
const fixed = join(dirname(fileURLToPath(import.meta.url)), 'cases');
for (const name of existsSync(fixed) ? readdirSync(fixed).sort() : []) {
  const caseDir = join(fixed, name);
  const larchRes = await runLarch(caseDir);
  compareCase(name, caseDir, decideCase(cedar, caseDir), larchRes);
}
for (let first = opts.seed; first < opts.seed + opts.cases; first += opts.chunk) {
  const count = Math.min(opts.chunk, opts.seed + opts.cases - first);
  const chunkDir = join(work, `chunk-${first}`);
  rmSync(chunkDir, { recursive: true, force: true });
  const g = spawnSync(opts.gen, ['--seed', String(first), '--count', String(count),
                                 ...genPolicies, '--out', chunkDir], { stdio: 'inherit' });
  if (g.status !== 0) {
    process.stderr.write(`difftest: the generator failed on seeds ${first}..\n`);
    process.exit(2);
  }
  const seeds = Array.from({ length: count }, (_, k) => first + k);
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      const seed = seeds[next++];
      const caseDir = join(chunkDir, `case-${seed}`);
      const larchP = runLarch(caseDir);
      let cedarRes;
      try {
        cedarRes = decideCase(cedar, caseDir);
      } catch (e) {
        cedarRes = { failure: `cedar-wasm threw: ${e}` };
      }
      compareCase(seed, caseDir, cedarRes, await larchP);
    }
  };
  await Promise.all(Array.from({ length: opts.jobs }, worker));
  if (!opts.keep)
    rmSync(chunkDir, { recursive: true, force: true });
  if (opts.cases > opts.chunk)
    process.stdout.write(`difftest: ${stats.cases}/${opts.cases} cases,` +
                         ` ${failedSeeds.size} failing, ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
}

const pct = (n, d) => (d ? ((100 * n) / d).toFixed(1) : '0.0') + '%';
const s = stats;
process.stdout.write([
  `difftest: seeds ${opts.seed}..${opts.seed + opts.cases - 1}` +
    (opts.policies ? ` (${opts.policies} policies)` : '') + `, ${s.cases} cases,` +
    ` ${s.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)}s` +
    ` (cedar-wasm ${cedar.getCedarVersion()})`,
  `  decisions: allow ${s.allow} (${pct(s.allow, s.requests)}),` +
    ` deny by forbid ${s.denyForbid} (${pct(s.denyForbid, s.requests)}),` +
    ` default deny ${s.denyDefault} (${pct(s.denyDefault, s.requests)})`,
  `  policy evaluations: ${s.policyEvals}, determining ${s.satisfied}` +
    ` (${pct(s.satisfied, s.policyEvals)}), erroring ${s.erroring}` +
    ` (${pct(s.erroring, s.policyEvals)}); requests with an error ${s.requestsWithErrors}`,
  `  cases rejected by both engines: ${s.rejectedByBoth}; requests unreadable to both: ${s.unreadable}`,
  `  mismatching requests: ${s.mismatches}`,
  `  ${s.cases - failedSeeds.size} passed, ${failedSeeds.size} failed`,
].join('\n') + '\n');
if (s.mismatches)
  process.stdout.write(`difftest: failing cases kept in ${failDir}\n`);
process.exit(s.mismatches ? 1 : 0);
