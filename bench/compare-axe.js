// Helper of bench/compare-axe.sh: runs axe-core in jsdom on local HTML files and compares
// its results with a govaudit JSON report, rule by rule and page by page.
//
//   node compare-axe.js GOVAUDIT_JSON CATALOG_JSON JSON_OUT_OR_EMPTY INPUT...
//
// Run from a folder where `axe-core` and `jsdom` are installed (the shell script does that).
'use strict';

const fs = require('fs');
const path = require('path');
const { JSDOM, VirtualConsole } = require('jsdom');

const [reportPath, catalogPath, jsonOut, ...inputs] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
const catalog = JSON.parse(fs.readFileSync(catalogPath, 'utf8'));
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const axeVersion = require('axe-core/package.json').version;
const jsdomVersion = require('jsdom/package.json').version;

// axe rule id -> govaudit rule id, from the catalog's `axe` field.
const govByAxe = new Map();
for (const e of catalog) {
  if (e.axe && e.id.startsWith('a11y/')) govByAxe.set(e.axe, e.id);
}

function htmlFiles(p) {
  const st = fs.statSync(p);
  if (st.isFile()) return [path.resolve(p)];
  const out = [];
  for (const name of fs.readdirSync(p).sort()) {
    const full = path.join(p, name);
    const s = fs.statSync(full);
    if (s.isDirectory()) out.push(...htmlFiles(full));
    else if (/\.(html?|shtml)$/i.test(name)) out.push(path.resolve(full));
  }
  return out;
}
const files = [...new Set(inputs.flatMap(htmlFiles))];

// govaudit: rule -> { flag: Set(page), review: Set(page) }, page findings plus aggregated
// site findings expanded to their pages.
const gov = new Map();
const govSiteOnly = [];
function govRule(rule) {
  if (!gov.has(rule)) gov.set(rule, { flag: new Set(), review: new Set(), nodes: 0 });
  return gov.get(rule);
}
function pageKey(p) {
  if (!p) return null;
  if (p.startsWith('file://')) return decodeURIComponent(new URL(p).pathname);
  return path.resolve(p);
}
function addGov(f, page) {
  const r = govRule(f.rule);
  if (f.data && f.data.needs_review) r.review.add(page);
  else {
    r.flag.add(page);
    r.nodes += 1;
  }
}
for (const p of report.pages) {
  const key = pageKey(p.path || p.url);
  for (const f of p.findings) addGov(f, key);
}
for (const s of report.sites) {
  for (const f of s.findings) {
    if (f.pages && f.pages.length) {
      for (const name of f.pages) addGov(f, pageKey(name));
    } else {
      govSiteOnly.push(f);
    }
  }
}

async function runAxe(file, ruleIds) {
  const virtualConsole = new VirtualConsole();
  const dom = await JSDOM.fromFile(file, {
    runScripts: 'outside-only',
    pretendToBeVisual: true,
    virtualConsole,
  });
  try {
    // jsdom has no layout and no document.elementsFromPoint; axe's "is a modal dialog open"
    // test (landmark-one-main, page-has-heading-one...) needs it and errors without it. An
    // empty answer means "nothing covers the page", which is true of a static page.
    if (!dom.window.document.elementsFromPoint) {
      dom.window.document.elementsFromPoint = () => [];
    }
    dom.window.eval(axeSource);
    const axe = dom.window.axe;
    return await axe.run(dom.window.document, {
      runOnly: { type: 'rule', values: ruleIds },
      resultTypes: ['violations', 'incomplete'],
      elementRef: false,
    });
  } finally {
    dom.window.close();
  }
}

async function main() {
  // The rules to run: every govaudit counterpart (also those axe disables by default) and
  // axe's default rule set, so that findings without a counterpart can be reported.
  const probe = new JSDOM('<!doctype html><html><body></body></html>', { runScripts: 'outside-only' });
  probe.window.eval(axeSource);
  const all = probe.window.axe._audit.rules;
  const reviewOnFail = new Set(all.filter(r => r.reviewOnFail).map(r => r.id));
  // Rules whose failing outcome is "incomplete" in axe (their checks return undefined).
  for (const id of ['th-has-data-cells', 'video-caption']) reviewOnFail.add(id);
  const known = new Set(all.map(r => r.id));
  const ruleIds = all
    .filter(r => govByAxe.has(r.id) || (r.enabled !== false && !(r.tags || []).includes('experimental')))
    .map(r => r.id);
  probe.window.close();

  const axeRes = new Map(); // axe id -> { flag: Set, review: Set, error: Set }
  const axeRule = id => {
    if (!axeRes.has(id)) axeRes.set(id, { flag: new Set(), review: new Set(), error: new Set(), nodes: 0 });
    return axeRes.get(id);
  };
  // An incomplete result whose checks all threw (no layout in jsdom) is an error, not a
  // "needs review" verdict.
  const errored = v => v.nodes.every(n =>
    [...n.any, ...n.all, ...n.none].some(c => c.id === 'error-occurred'));
  const errors = [];
  for (const file of files) {
    try {
      const r = await runAxe(file, ruleIds);
      for (const v of r.violations) {
        axeRule(v.id).flag.add(file);
        axeRule(v.id).nodes += v.nodes.length;
      }
      for (const v of r.incomplete) {
        if (errored(v)) axeRule(v.id).error.add(file);
        else if (reviewOnFail.has(v.id)) {
          axeRule(v.id).flag.add(file);
          axeRule(v.id).nodes += v.nodes.length;
        }
        else axeRule(v.id).review.add(file);
      }
    } catch (e) {
      errors.push(`${file}: ${e.message}`);
    }
  }

  const rel = f => path.relative(process.env.COMPARE_CWD || process.cwd(), f) || f;
  const rows = [];
  for (const [axeId, govId] of [...govByAxe.entries()].sort()) {
    if (!known.has(axeId)) continue;
    const a = axeRes.get(axeId) || { flag: new Set(), review: new Set(), error: new Set(), nodes: 0 };
    const g = gov.get(govId) || { flag: new Set(), review: new Set(), nodes: 0 };
    const both = [...g.flag].filter(p => a.flag.has(p));
    const onlyAxe = [...a.flag].filter(p => !g.flag.has(p));
    const onlyGov = [...g.flag].filter(p => !a.flag.has(p));
    rows.push({ axe: axeId, govaudit: govId, both, onlyAxe, onlyGov,
      axeReview: [...a.review], axeError: [...a.error], govReview: [...g.review],
      axeNodes: a.nodes, govNodes: g.nodes });
  }
  const others = [...axeRes.entries()]
    .filter(([id]) => !govByAxe.has(id))
    .map(([id, r]) => ({ axe: id, flag: [...r.flag], review: [...r.review], error: [...r.error] }))
    .filter(r => r.flag.length || r.review.length || r.error.length)
    .sort((x, y) => x.axe.localeCompare(y.axe));
  const govOnlyRules = [...gov.entries()]
    .filter(([id]) => ![...govByAxe.values()].includes(id))
    .map(([id, r]) => ({ govaudit: id, flag: [...r.flag], review: [...r.review] }))
    .sort((x, y) => x.govaudit.localeCompare(y.govaudit));

  const out = [];
  out.push(`axe-core ${axeVersion} in jsdom ${jsdomVersion}; govaudit --level AAA; ${files.length} pages`);
  out.push('');
  out.push('| axe rule | both | only axe | only govaudit | axe review | axe error | govaudit review | elements axe / govaudit |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  const quiet = r => !r.both.length && !r.onlyAxe.length && !r.onlyGov.length &&
    !r.axeReview.length && !r.axeError.length && !r.govReview.length;
  for (const r of rows) {
    if (quiet(r)) continue;
    out.push(`| ${r.axe} | ${r.both.length} | ${r.onlyAxe.length} | ${r.onlyGov.length} | ${r.axeReview.length} | ${r.axeError.length} | ${r.govReview.length} | ${r.axeNodes} / ${r.govNodes} |`);
  }
  out.push('');
  out.push('both / only axe / only govaudit: pages where the rule fails (for axe: a violation, or');
  out.push('"needs review" for rules whose failure is a review); axe review: axe could not decide;');
  out.push('axe error: axe threw in jsdom (no layout); govaudit review: govaudit\'s "needs review" notice;');
  out.push('elements: failing elements (axe nodes / govaudit findings; a govaudit finding may cover a');
  out.push('whole table, list or page, and page-level findings aggregated per site count once).');
  const silent = rows.filter(quiet);
  out.push('');
  out.push(`Rules with a counterpart that neither tool flagged on any page (${silent.length}): ${silent.map(r => r.axe).join(', ')}`);
  const disagreements = rows.filter(r => r.onlyAxe.length || r.onlyGov.length);
  if (disagreements.length) {
    out.push('');
    out.push('Disagreements (pages):');
    for (const r of disagreements) {
      for (const p of r.onlyAxe) out.push(`  ${r.axe}: only axe       ${rel(p)}`);
      for (const p of r.onlyGov) out.push(`  ${r.axe}: only govaudit  ${rel(p)}`);
    }
  }
  if (others.length) {
    out.push('');
    out.push('axe rules with no govaudit counterpart (pages flagged / needs review / error):');
    for (const o of others) out.push(`  ${o.axe}: ${o.flag.length} / ${o.review.length} / ${o.error.length}`);
  }
  if (govOnlyRules.length || govSiteOnly.length) {
    out.push('');
    out.push('govaudit rules with no axe counterpart (pages flagged / needs review):');
    for (const g of govOnlyRules) out.push(`  ${g.govaudit}: ${g.flag.length} / ${g.review.length}`);
    for (const f of govSiteOnly) out.push(`  ${f.rule} (site): ${f.message}`);
  }
  if (errors.length) {
    out.push('');
    out.push('axe could not run on:');
    for (const e of errors) out.push(`  ${e}`);
  }
  console.log(out.join('\n'));
  if (jsonOut) {
    fs.writeFileSync(jsonOut, JSON.stringify({ axeVersion, jsdomVersion, pages: files, rows, others, govOnlyRules }, null, 2));
  }
}

main().catch(e => {
  console.error(`compare-axe: ${e.stack || e}`);
  process.exit(2);
});
