// Differential testing of strict validation against Cedar: for seeds
// S .. S+N-1 it generates a random schema (Cedar schema syntax) and a few
// policies, some valid and some broken on purpose (a misspelt attribute, an
// optional attribute read without a `has` guard, operands of the wrong type,
// an unknown entity type or action, a scope outside the action's appliesTo,
// a set of mixed element types), and requires `larch check --schema` to give
// the same verdict (valid or not) as cedar-wasm's strict validator.
//
//   node tests/diff/validate_difftest.mjs --larch <build>/tools/larch/larch \
//     --cedar-wasm <build>/cedar-wasm --work <build>/validate-difftest \
//     [--seed 1] [--cases 300] [--jobs 2]
//
// One deliberate difference: a scope no action of which applies to its
// principal and resource types is an error in Cedar 4.10 (the version of the
// conformance corpus, which Larch follows: LV004) and only a warning in the
// pinned cedar-wasm; Cedar's warning counts as an error here.
//
// Every case is one schema and one policy file; the policies of one case are
// also checked one by one, so a verdict is compared per policy, not only per
// file. On a mismatch it prints the seed, the schema, the policy and both
// verdicts, and keeps the case in <work>/failures/case-<seed>/.
// Exit code: 0 all agree, 1 some mismatch, 2 bad usage or a tool failure.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCedar } from './cedar_runner.mjs';

const opts = { seed: 1, cases: 300, jobs: 2, maxReports: 5 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
  const a = argv[i];
  const val = () => {
    if (i + 1 >= argv.length) {
      process.stderr.write(`validate_difftest: \`${a}\` needs a value\n`);
      process.exit(2);
    }
    return argv[++i];
  };
  if (a === '--larch') opts.larch = val();
  else if (a === '--cedar-wasm') opts.cedarWasm = val();
  else if (a === '--work') opts.work = val();
  else if (a === '--seed') opts.seed = Number(val());
  else if (a === '--cases') opts.cases = Number(val());
  else if (a === '--jobs') opts.jobs = Math.max(1, Number(val()));
  else {
    process.stderr.write(`validate_difftest: unexpected argument \`${a}\`\n`);
    process.exit(2);
  }
}
for (const k of ['larch', 'cedarWasm', 'work'])
  if (!opts[k]) {
    process.stderr.write('validate_difftest: --larch, --cedar-wasm and --work are required\n');
    process.exit(2);
  }

// ---- the generator: deterministic per seed -------------------------------

function rng(seed) {
  let s = (seed * 2654435761) >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
  return r;
}

const ATTR_NAMES = ['name', 'age', 'level', 'owner', 'tags', 'active', 'email', 'dept',
                    'size', 'parent', 'score', 'labels'];

/** A random type for an attribute: {kind, elem?, entity?}. */
function randomType(r, entityNames, depth = 0) {
  const k = r.int(depth > 0 ? 5 : 7);
  switch (k) {
    case 0: return { kind: 'String' };
    case 1: return { kind: 'Long' };
    case 2: return { kind: 'Bool' };
    case 3: return { kind: 'Set', elem: r.pick([{ kind: 'String' }, { kind: 'Long' }]) };
    case 4: return { kind: 'Entity', entity: r.pick(entityNames) };
    case 5: return { kind: 'Record', attrs: randomAttrs(r, entityNames, 1, 3, depth + 1) };
    default: return { kind: 'Set', elem: { kind: 'Entity', entity: r.pick(entityNames) } };
  }
}

function randomAttrs(r, entityNames, min, max, depth = 0) {
  const n = min + r.int(max - min + 1);
  const names = [...ATTR_NAMES].sort(() => r.next() - 0.5).slice(0, n);
  return names.map((name) => ({ name, optional: r.chance(0.3), type: randomType(r, entityNames, depth) }));
}

function typeText(t) {
  switch (t.kind) {
    case 'Set': return `Set<${typeText(t.elem)}>`;
    case 'Entity': return t.entity;
    case 'Record': return `{ ${t.attrs.map(attrText).join(', ')} }`;
    default: return t.kind;
  }
}
function attrText(a) { return `${a.name}${a.optional ? '?' : ''}: ${typeText(a.type)}`; }

function randomSchema(r) {
  const nEntities = 2 + r.int(3);
  const names = Array.from({ length: nEntities }, (_, i) => ['User', 'Group', 'Doc', 'Folder', 'Team'][i]);
  const entities = names.map((name) => ({
    name,
    parents: names.filter((o, j) => j > names.indexOf(name) && r.chance(0.3)),
    attrs: randomAttrs(r, names, 0, 4),
  }));
  const nActions = 1 + r.int(3);
  const actions = Array.from({ length: nActions }, (_, i) => ({
    name: ['view', 'edit', 'delete'][i],
    principals: names.filter(() => r.chance(0.5)).concat([]),
    resources: names.filter(() => r.chance(0.5)),
    context: randomAttrs(r, names, 0, 3),
  }));
  for (const a of actions) {
    if (!a.principals.length) a.principals.push(r.pick(names));
    if (!a.resources.length) a.resources.push(r.pick(names));
  }
  const lines = [];
  for (const e of entities) {
    const parents = e.parents.length ? ` in [${e.parents.join(', ')}]` : '';
    const attrs = e.attrs.length ? ` { ${e.attrs.map(attrText).join(', ')} }` : '';
    lines.push(`entity ${e.name}${parents}${attrs};`);
  }
  for (const a of actions) {
    const ctx = a.context.length ? `,\n  context: { ${a.context.map(attrText).join(', ')} }` : '';
    lines.push(`action ${a.name} appliesTo {\n  principal: [${a.principals.join(', ')}],\n` +
               `  resource: [${a.resources.join(', ')}]${ctx}\n};`);
  }
  return { entities, actions, names, text: lines.join('\n') + '\n' };
}

/** A random policy for the schema; `wrong` asks for one likely error. */
function randomPolicy(r, schema, wrong) {
  const action = r.pick(schema.actions);
  const pType = r.pick(action.principals);
  const rType = r.pick(action.resources);
  const entity = (n) => schema.entities.find((e) => e.name === n);
  let actionText = `action == Action::"${action.name}"`;
  let principalText = r.chance(0.5) ? `principal is ${pType}` : `principal == ${pType}::"p"`;
  let resourceText = r.chance(0.5) ? `resource is ${rType}` : `resource`;
  const vars = [
    { expr: 'principal', attrs: entity(pType).attrs },
    { expr: 'resource', attrs: resourceText === 'resource' && action.resources.length > 1 ? [] : entity(rType).attrs },
    { expr: 'context', attrs: action.context },
  ];
  const mistake = wrong ? r.int(11) : -1;

  // Expressions of a wanted type; `guards` collects `has` tests to put in front.
  const literal = (t) => {
    switch (t.kind) {
      case 'String': return `"s${r.int(3)}"`;
      case 'Long': return String(r.int(10));
      case 'Bool': return r.chance(0.5) ? 'true' : 'false';
      case 'Set': return `[${literal(t.elem)}, ${literal(t.elem)}]`;
      case 'Entity': return `${t.entity}::"e${r.int(3)}"`;
      case 'Record': return `{ ${t.attrs.filter((a) => !a.optional).map((a) => `${a.name}: ${literal(a.type)}`).join(', ')} }`;
      default: return 'true';
    }
  };
  // Attribute paths reachable from a variable (one or two steps).
  const paths = [];
  for (const v of vars)
    for (const a of v.attrs) {
      paths.push({ base: v.expr, attr: a, guards: [] });
      if (a.type.kind === 'Record')
        for (const b of a.type.attrs)
          paths.push({ base: `${v.expr}.${a.name}`, attr: b, guards: a.optional ? [[v.expr, a.name]] : [] });
    }
  const conditions = [];
  const nConds = 1 + r.int(2);
  for (let i = 0; i < nConds; ++i) {
    if (!paths.length) {
      conditions.push(r.pick(['true', '1 < 2', `principal in ${pType}::"g"`]));
      continue;
    }
    const p = r.pick(paths);
    const access = `${p.base}.${p.attr.name}`;
    const t = p.attr.type;
    let c;
    switch (t.kind) {
      case 'String': c = r.chance(0.5) ? `${access} == ${literal(t)}` : `${access} like "s*"`; break;
      case 'Long': c = `${access} ${r.pick(['<', '<=', '>', '=='])} ${literal(t)}`; break;
      case 'Bool': c = r.chance(0.5) ? access : `!${access}`; break;
      case 'Set': c = r.chance(0.5) ? `${access}.contains(${literal(t.elem)})` : `${access}.isEmpty()`; break;
      case 'Entity': c = r.chance(0.5) ? `${access} == ${literal(t)}` : `principal in ${access}`; break;
      case 'Record': c = `${access} == ${literal(t)}`; break;
      default: c = 'true';
    }
    const guards = [...p.guards];
    if (p.attr.optional) guards.push([p.base, p.attr.name]);
    const guardText = guards.map(([b, n]) => `${b} has ${n}`).join(' && ');
    if (guardText)
      c = r.chance(0.5) ? `${guardText} && ${c}` : `(if ${guardText} then ${c} else false)`;
    conditions.push(c);
  }
  const condition = () => conditions.join(r.chance(0.7) ? ' && ' : ' || ');
  let when = condition();
  const anyPath = paths.length ? r.pick(paths) : null;
  switch (mistake) {
    case 0: // a misspelt attribute
      when += ` && ${vars[0].expr}.${anyPath ? anyPath.attr.name + 'x' : 'nmae'} == 1`; break;
    case 1: // an optional attribute without `has` (may be valid when none is optional)
      { const o = paths.find((p) => p.attr.optional && p.guards.length === 0);
        if (o) when += ` && ${o.base}.${o.attr.name} == ${literal(o.attr.type)}`; } break;
    case 2: when += ` && (1 + "a") > 0`; break;
    case 3: when += ` && [1, "a"].contains(1)`; break;
    case 4: principalText = `principal is Nope`; break;
    case 5: actionText = `action == Action::"nope"`; break;
    case 6: // a principal type the action does not apply to (or a valid one)
      principalText = `principal is ${r.pick(schema.names)}`; break;
    case 7: when += ` && ${anyPath ? `${anyPath.base}.${anyPath.attr.name}` : 'context'} < 3`; break;
    case 8: when += ` && context.zzz`; break;
    case 9: when += ` && (if true then 1 else "a") == 1`; break;
    case 10: resourceText = `resource in ${r.pick(schema.names)}::"r"`; break;
    default: break;
  }
  if (r.chance(0.15)) actionText = `action in [${schema.actions.map((a) => `Action::"${a.name}"`).join(', ')}]`;
  const effect = r.chance(0.5) ? 'permit' : 'forbid';
  return `${effect} (${principalText}, ${actionText}, ${resourceText})\nwhen { ${when} };\n`;
}

function generate(seed) {
  const r = rng(seed);
  const schema = randomSchema(r);
  const n = 1 + r.int(4);
  const policies = Array.from({ length: n }, () => randomPolicy(r, schema, r.chance(0.5)));
  return { schema: schema.text, policies };
}

// ---- the comparison ------------------------------------------------------

const cedar = await loadCedar(opts.cedarWasm);
const work = resolve(opts.work);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const IMPOSSIBLE_SCOPE = /unable to find an applicable action given the policy scope constraints/;

function cedarVerdict(schemaText, policyText) {
  const res = cedar.validate({ schema: schemaText, policies: { staticPolicies: policyText },
                               validationSettings: { mode: 'strict' } });
  if (res.type !== 'success')
    return { failure: res.errors.map((e) => e.message).join('; ') };
  // Cedar 4.10 (the version of the conformance corpus, which Larch follows)
  // reports a scope no action of which applies to its principal and resource
  // types as an error; the pinned cedar-wasm reports the same finding as a
  // warning. Larch keeps it an error (LV004), so that warning counts as one.
  const scope = res.validationWarnings.filter((w) => IMPOSSIBLE_SCOPE.test(w.error.message));
  if (scope.length) stats.scopeWarnings += 1;
  const errors = [...res.validationErrors, ...scope];
  return { valid: errors.length === 0, messages: errors.map((e) => e.error.message) };
}

function larchVerdict(dir, policyFile) {
  return new Promise((done) => {
    const child = spawn(opts.larch, ['check', '--schema', join(dir, 'schema.cedarschema'),
                                     join(dir, policyFile)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (e) => done({ code: -1, out: String(e) }));
    child.on('close', (code) => done({ code, out }));
  });
}

const stats = { cases: 0, checks: 0, valid: 0, invalid: 0, scopeWarnings: 0, mismatches: 0 };
async function runCase(seed) {
  const g = generate(seed);
  const dir = join(work, `case-${seed}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.cedarschema'), g.schema);
  const files = [['policies.cedar', g.policies.join('\n')]];
  if (g.policies.length > 1)
    g.policies.forEach((p, i) => files.push([`policy${i}.cedar`, p]));
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  let failed = false;
  for (const [name, text] of files) {
    const c = cedarVerdict(g.schema, text);
    if (c.failure !== undefined) {
      process.stderr.write(`validate_difftest: seed ${seed}: Cedar cannot read the case: ${c.failure}\n${g.schema}\n${text}\n`);
      process.exit(2);
    }
    const l = await larchVerdict(dir, name);
    stats.checks += 1;
    if (c.valid) stats.valid += 1; else stats.invalid += 1;
    if (l.code === (c.valid ? 0 : 1)) continue;
    failed = true;
    stats.mismatches += 1;
    if (stats.mismatches > opts.maxReports) {
      const codes = [...new Set(l.out.match(/\[LV\d+\]/g) || [])].join(' ');
      process.stdout.write(`MISMATCH seed ${seed} (${name}): Cedar says ${c.valid ? 'valid' : 'invalid'},` +
                           ` larch check exits ${l.code} ${codes} (kept in ${dir})\n`);
      continue;
    }
    process.stdout.write([
      '', `==== MISMATCH seed ${seed} (${name}): Cedar says ${c.valid ? 'valid' : 'invalid'},` +
        ` larch check exits ${l.code}`,
      '---- schema.cedarschema', g.schema.trimEnd(), `---- ${name}`, text.trimEnd(),
      '---- Cedar', ...c.messages.map((m) => `  ${m}`), '---- Larch', l.out.trimEnd(),
      `---- kept in ${dir}`, '',
    ].join('\n') + '\n');
  }
  stats.cases += 1;
  if (!failed) rmSync(dir, { recursive: true, force: true });
}

const started = Date.now();
const seeds = Array.from({ length: opts.cases }, (_, k) => opts.seed + k);
let next = 0;
await Promise.all(Array.from({ length: opts.jobs }, async () => {
  while (next < seeds.length) await runCase(seeds[next++]);
}));
const secs = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(`validate_difftest: ${stats.cases} cases (seeds ${opts.seed}..` +
  `${opts.seed + opts.cases - 1}), ${stats.checks} verdicts (${stats.valid} valid, ` +
  `${stats.invalid} invalid per Cedar, ${stats.scopeWarnings} with an impossible scope), ` +
  `${stats.mismatches} mismatches, ${secs} s\n`);
process.exit(stats.mismatches ? 1 : 0);
