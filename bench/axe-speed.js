// Helper of bench/run.sh: how many pages per second axe-core manages in jsdom on local HTML
// files, the way an auditor would run it (parse the page into jsdom, inject axe, run its default
// rule set). Scripts are not executed, like govaudit. Prints one JSON line:
//   {"pages": N, "runs": R, "seconds": S, "pages_per_s": P, "per_page_ms": {...}}
//
//   node axe-speed.js MIN_SECONDS FILE...
//
// Every file is audited at least once; the list is repeated until MIN_SECONDS have passed.
'use strict';
const fs = require('fs');
const { JSDOM, VirtualConsole } = require('jsdom');

const minSeconds = Number(process.argv[2] || '0');
const files = process.argv.slice(3);
if (files.length === 0) {
  console.error('axe-speed: no files');
  process.exit(2);
}
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function audit(file) {
  const dom = await JSDOM.fromFile(file, {
    runScripts: 'outside-only',
    pretendToBeVisual: true,
    virtualConsole: new VirtualConsole(),
  });
  try {
    // jsdom has no layout; see compare-axe.js.
    if (!dom.window.document.elementsFromPoint) {
      dom.window.document.elementsFromPoint = () => [];
    }
    dom.window.eval(axeSource);
    const r = await dom.window.axe.run(dom.window.document, {
      resultTypes: ['violations'],
      elementRef: false,
    });
    return r.violations.length;
  } finally {
    dom.window.close();
  }
}

async function main() {
  const perPage = {};
  const start = process.hrtime.bigint();
  let runs = 0;
  let round = 0;
  for (;;) {
    for (const f of files) {
      const t0 = process.hrtime.bigint();
      try {
        await audit(f);
      } catch (e) {
        console.error(`axe-speed: ${f}: ${e.message}`);
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (round === 0) perPage[f] = Math.round(ms);
      runs += 1;
    }
    round += 1;
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (elapsed >= minSeconds) {
      console.log(JSON.stringify({
        pages: files.length,
        runs,
        seconds: Number(elapsed.toFixed(2)),
        pages_per_s: Number((runs / elapsed).toFixed(3)),
        per_page_ms: perPage,
      }));
      return;
    }
  }
}

main().catch(e => {
  console.error(e);
  process.exit(2);
});
