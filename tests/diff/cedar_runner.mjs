// Differential testing against Cedar: decides a generated case with real
// Cedar (the npm package @cedar-policy/cedar-wasm, installed by
// scripts/cedar-wasm.sh).
//
// Entry points: `loadCedar(dir)` and `decideCase(cedar, caseDir)`, used by
// difftest.mjs; run directly it prints one JSON line per request:
//
//   node tests/diff/cedar_runner.mjs --cedar-wasm <build>/cedar-wasm CASE_DIR
//   {"decision":"allow","reasons":["p0"],"errors":["p1"]}
//
// A case whose policies or entities Cedar rejects prints one line
// {"failure": "..."} instead; a request Cedar cannot read (a bad context)
// prints {"requestFailure": "..."} in its place.
//
// Policy ids: with "positional": true in policies.json the whole text goes
// to Cedar as one string, so Cedar names the policies policy0, policy1, ...
// itself; otherwise every policy is passed under the id Larch must give it
// (its @id annotation, else policyN), since Cedar ignores @id.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Loads the Node build of cedar-wasm from a folder holding node_modules/. */
export async function loadCedar(dir) {
  const entry = join(resolve(dir), 'node_modules', '@cedar-policy', 'cedar-wasm',
                     'nodejs', 'cedar_wasm.js');
  const mod = await import(pathToFileURL(entry).href);
  return mod.default && mod.default.isAuthorized ? mod.default : mod;
}

/** The policy set as cedar-wasm takes it. */
function policySet(caseDir) {
  const spec = JSON.parse(readFileSync(join(caseDir, 'policies.json'), 'utf8'));
  if (spec.positional)
    return { staticPolicies: readFileSync(join(caseDir, 'policies.cedar'), 'utf8') };
  const byId = {};
  for (const p of spec.policies)
    byId[p.id] = p.text;
  return { staticPolicies: byId };
}

function messages(errors) {
  return (errors || []).map((e) => e.message).join('; ');
}

/**
 * Decides every request of a case; returns {answers: [{decision, reasons,
 * errors}]} with ids sorted (or {requestFailure} for a request Cedar cannot
 * read), or {failure: message} when Cedar rejects the policies or the
 * entities.
 */
export function decideCase(cedar, caseDir) {
  const policies = policySet(caseDir);
  const entities = JSON.parse(readFileSync(join(caseDir, 'entities.json'), 'utf8'));
  // Policies and entities first, so a failure of isAuthorized below can only
  // be the request's own.
  for (const check of [cedar.checkParsePolicySet(policies),
                       cedar.checkParseEntities({ entities })])
    if (check.type !== 'success')
      return { failure: messages(check.errors) };
  const lines = readFileSync(join(caseDir, 'requests.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim() !== '');
  const answers = [];
  for (const line of lines) {
    const req = JSON.parse(line);
    const r = cedar.isAuthorized({
      principal: req.principal,
      action: req.action,
      resource: req.resource,
      context: req.context || {},
      policies,
      entities,
    });
    if (r.type !== 'success') {
      answers.push({ requestFailure: messages(r.errors) });
      continue;
    }
    const d = r.response;
    answers.push({
      decision: d.decision,
      reasons: [...d.diagnostics.reason].sort(),
      errors: [...new Set(d.diagnostics.errors.map((e) => e.policyId))].sort(),
      messages: d.diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`),
    });
  }
  return { answers };
}

async function main(argv) {
  let dir = null;
  const cases = [];
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--cedar-wasm')
      dir = argv[++i];
    else
      cases.push(argv[i]);
  }
  if (!dir || cases.length === 0) {
    process.stderr.write('usage: node cedar_runner.mjs --cedar-wasm DIR CASE_DIR...\n');
    process.exit(2);
  }
  const cedar = await loadCedar(dir);
  for (const c of cases) {
    const res = decideCase(cedar, c);
    if (res.failure !== undefined) {
      process.stdout.write(JSON.stringify({ failure: res.failure }) + '\n');
      continue;
    }
    for (const a of res.answers)
      process.stdout.write(JSON.stringify(a.requestFailure !== undefined
        ? { requestFailure: a.requestFailure }
        : { decision: a.decision, reasons: a.reasons, errors: a.errors }) + '\n');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href)
  await main(process.argv.slice(2));
