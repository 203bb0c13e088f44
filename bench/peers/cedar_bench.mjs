// Peer benchmark: decides a workload folder (policies.cedar, entities.json,
// requests.jsonl, as written by larch_workload) with Cedar's WebAssembly build
// (@cedar-policy/cedar-wasm), timing every decision, and checks that Larch's
// `larch eval` output for the same folder agrees on every request (decision,
// determining policies, erroring policies).
//
//   node bench/peers/cedar_bench.mjs --cedar-wasm DIR --workload DIR
//        --larch-decisions FILE [--passes K] [--name NAME]
//
// Prints one JSON object: {name, requests, passes, cedar: {p50_ns, p90_ns,
// p99_ns, mean_ns, cpu_per_decision_ns, no_entities_p50_ns}, agree, disagree, first_mismatch}.
// Uses Cedar's fastest path: the policy set is parsed once
// (`preparsePolicySet`), then `statefulIsAuthorized` decides each request.
// Entities still go with every call (the API has no stateful entity store),
// so Cedar's figure includes converting the entities on each call.
// Exit codes: 0 all agree; 1 a disagreement or a Cedar failure; 2 bad usage.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function usage() {
  process.stderr.write('usage: node cedar_bench.mjs --cedar-wasm DIR --workload DIR ' +
                       '--larch-decisions FILE [--passes K] [--name NAME]\n');
  process.exit(2);
}

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (!argv[i].startsWith('--') || i + 1 >= argv.length)
    usage();
  args[argv[i].slice(2)] = argv[i + 1];
}
if (!args['cedar-wasm'] || !args.workload || !args['larch-decisions'])
  usage();
const passes = Math.max(1, parseInt(args.passes || '3', 10));

const entry = join(resolve(args['cedar-wasm']), 'node_modules', '@cedar-policy', 'cedar-wasm',
                   'nodejs', 'cedar_wasm.js');
const modNs = await import(pathToFileURL(entry).href);
const cedar = modNs.default && modNs.default.statefulIsAuthorized ? modNs.default : modNs;

const dir = args.workload;
const policies = readFileSync(join(dir, 'policies.cedar'), 'utf8');
const entities = JSON.parse(readFileSync(join(dir, 'entities.json'), 'utf8'));
const requests = readFileSync(join(dir, 'requests.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const larch = readFileSync(args['larch-decisions'], 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));

// The whole text as one static policy set: Cedar names them policy0, ...,
// as Larch does for policies without @id.
const prep = cedar.preparsePolicySet('bench', { staticPolicies: policies });
if (prep.type !== 'success') {
  process.stdout.write(JSON.stringify({ name: args.name, failure: prep.errors }) + '\n');
  process.exit(1);
}

function decide(req) {
  return cedar.statefulIsAuthorized({
    principal: req.principal,
    action: req.action,
    resource: req.resource,
    context: req.context || {},
    preparsedPolicySetId: 'bench',
    entities,
  });
}

// Agreement (and warm-up).
let agree = 0, disagree = 0, firstMismatch = null, cedarFailures = 0;
const sorted = (xs) => [...xs].sort();
for (let i = 0; i < requests.length; ++i) {
  const r = decide(requests[i]);
  if (r.type !== 'success') {
    ++cedarFailures;
    if (!firstMismatch)
      firstMismatch = { index: i, cedar: r.errors, larch: larch[i] };
    continue;
  }
  const c = {
    decision: r.response.decision,
    reasons: sorted(r.response.diagnostics.reason),
    errors: sorted(new Set(r.response.diagnostics.errors.map((e) => e.policyId))),
  };
  const l = larch[i] || {};
  const lv = {
    decision: l.decision,
    reasons: sorted(l.reasons || []),
    errors: sorted(new Set((l.errors || []).map((e) => e.policy))),
  };
  if (JSON.stringify(c) === JSON.stringify(lv)) {
    ++agree;
  } else {
    ++disagree;
    if (!firstMismatch)
      firstMismatch = { index: i, cedar: c, larch: lv };
  }
}

// Timed passes: one hrtime sample per decision, and CPU time overall.
const samples = new Float64Array(passes * requests.length);
let k = 0;
const cpu0 = process.cpuUsage();
for (let p = 0; p < passes; ++p)
  for (const req of requests) {
    const s = process.hrtime.bigint();
    decide(req);
    samples[k++] = Number(process.hrtime.bigint() - s);
  }
const cpu = process.cpuUsage(cpu0);
// A floor for Cedar's own work: the same calls with an empty entity list
// (decisions then differ; only the time is kept), to separate the cost of
// handing the entities to WebAssembly from the evaluation.
const floor = new Float64Array(requests.length);
k = 0;
for (const req of requests) {
  const s = process.hrtime.bigint();
  cedar.statefulIsAuthorized({ principal: req.principal, action: req.action,
    resource: req.resource, context: req.context || {}, preparsedPolicySetId: 'bench',
    entities: [] });
  floor[k++] = Number(process.hrtime.bigint() - s);
}
floor.sort();
samples.sort();
const at = (q) => samples[Math.floor(q * (samples.length - 1))];
let sum = 0;
for (const v of samples)
  sum += v;
const out = {
  name: args.name || dir,
  requests: requests.length,
  passes,
  cedar: {
    p50_ns: at(0.5), p90_ns: at(0.9), p99_ns: at(0.99), mean_ns: sum / samples.length,
    cpu_per_decision_ns: ((cpu.user + cpu.system) * 1000) / samples.length,
    no_entities_p50_ns: floor[Math.floor(0.5 * (floor.length - 1))],
  },
  agree,
  disagree: disagree + cedarFailures,
  first_mismatch: firstMismatch,
};
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(disagree + cedarFailures === 0 && larch.length === requests.length ? 0 : 1);
