// The HTML fleet report (`--report-html FILE`, `pptp-fleet report --html OUT REPORT.json...`):
// one self-contained page a person reads after a rollout. Inline CSS and a small inline script
// (filters), both pinned by a Content-Security-Policy that allows nothing else: the page makes
// no request to any network. Everything is in the markup, so it reads with JavaScript off
// (per-host details are <details> elements). Every piece of router text goes through
// escapeHtml(); host ids are indexes, never names.
import { createHash } from 'node:crypto';
import { tunnelDown, type Report, type ReportHost } from './json.js';
import { escapeHtml as e } from './text.js';

const STATUSES = ['ok', 'changed', 'failed', 'unreachable', 'skipped'] as const;

/** One input report (a CI shard or a run) and the label it is shown under. */
export interface ReportSource {
  label: string;
  report: Report;
}

interface ViewHost extends ReportHost {
  /** Index into the sources. */
  source: number;
}

/** Several reports as one fleet: hosts in order; a host in two reports is shown as the later one. */
interface FleetView {
  sources: ReportSource[];
  hosts: ViewHost[];
  summary: Record<(typeof STATUSES)[number], number>;
}

function mergeView(sources: readonly ReportSource[]): FleetView {
  const byName = new Map<string, ViewHost>();
  sources.forEach((s, i) => {
    for (const h of s.report.hosts) {
      byName.delete(h.name);
      byName.set(h.name, { ...h, source: i });
    }
  });
  const hosts = [...byName.values()];
  const summary = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  for (const h of hosts) summary[h.status] += 1;
  return { sources: [...sources], hosts, summary };
}

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const failing = (h: ReportHost): boolean => h.status === 'failed' || h.status === 'unreachable';

// `status` reports a reachable router `ok` even when its tunnel is down: say so.
function statusLabel(view: FleetView, h: ViewHost): string {
  return view.sources[h.source]?.report.command === 'status' && tunnelDown(h) ? `${h.status}, tunnel down` : h.status;
}

function verdictsOf(h: ReportHost): string[] {
  return h.tunnels.map((t) => t.verdict);
}

// The group a host is drawn under in the grid: its first inventory group, or "ungrouped".
function primaryGroup(h: ReportHost): string {
  return h.groups?.find((g) => g !== 'ungrouped') ?? 'ungrouped';
}

function batchKey(view: FleetView, h: ViewHost): string {
  const shard = view.sources.length > 1 ? `${view.sources[h.source]?.label ?? ''} · ` : '';
  const batched = (view.sources[h.source]?.report.batches.length ?? 0) > 0;
  return h.batch === null || !batched ? `${shard}all hosts` : `${shard}batch ${h.batch}`;
}

function counts(summary: FleetView['summary']): string {
  return STATUSES.map((s) => `<div class="count s-${s}"><b>${summary[s]}</b> ${s}</div>`).join('');
}

function summarySection(view: FleetView): string {
  const out: string[] = ['<section id="summary"><h2>Summary</h2>', `<div class="counts">${counts(view.summary)}</div>`];
  const verdictCount = new Map<string, number>();
  for (const h of view.hosts) for (const v of verdictsOf(h)) verdictCount.set(v, (verdictCount.get(v) ?? 0) + 1);
  if (verdictCount.size > 0) {
    const items = [...verdictCount.entries()].sort(([a], [b]) => (a === 'up' ? -1 : b === 'up' ? 1 : a.localeCompare(b)));
    out.push(`<p class="verdicts">Tunnel verdicts: ${items.map(([v, n]) => `<span class="v ${v === 'up' ? 'v-up' : 'v-bad'}">${e(v)} ${n}</span>`).join(' ')}</p>`);
  }
  out.push('<table class="runs"><thead><tr><th>report</th><th>command</th><th>started</th><th>duration</th><th>hosts</th><th>batches</th><th>rollout</th></tr></thead><tbody>');
  for (const s of view.sources) {
    const r = s.report;
    const stopped = r.stopped
      ? `<span class="stopped">stopped after batch ${r.stopped.batch}: ${e(r.stopped.reason)}</span>`
      : r.batches.length > 0 ? 'completed' : '-';
    out.push(
      `<tr><td>${e(s.label)}</td><td>${e(r.command)}${r.check ? ' --check' : ''}</td><td>${e(r.startedAt)}</td><td>${duration(r.durationMs)}</td>` +
        `<td>${r.hosts.length}</td><td>${r.batches.length || '-'}</td><td>${stopped}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  const batched = view.sources.filter((s) => s.report.batches.length > 0);
  if (batched.length > 0) {
    out.push('<table class="batches"><thead><tr><th>batch</th><th>hosts</th><th>failed or unreachable</th><th>stopped the rollout</th></tr></thead><tbody>');
    for (const s of batched) {
      for (const b of s.report.batches) {
        const name = view.sources.length > 1 ? `${e(s.label)} · batch ${b.index}` : `batch ${b.index}`;
        out.push(`<tr${b.stopped ? ' class="stopped-row"' : ''}><td>${name}</td><td>${b.hosts.length}</td><td>${b.failed}</td><td>${b.stopped ? e(b.stopped) : '-'}</td></tr>`);
      }
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');
  return out.join('\n');
}

function filterSection(view: FleetView): string {
  const verdicts = [...new Set(view.hosts.flatMap(verdictsOf))].sort();
  const groups = [...new Set(view.hosts.flatMap((h) => h.groups ?? []))].sort();
  const opt = (v: string): string => `<option value="${e(v)}">${e(v)}</option>`;
  return [
    '<section id="filters" class="js-only"><h2>Filter</h2><form>',
    `<fieldset><legend>status</legend>${STATUSES.map((s) => `<label class="s-${s}"><input type="checkbox" name="status" value="${s}" checked> ${s}</label>`).join(' ')}</fieldset>`,
    `<label>verdict <select name="verdict"><option value="">any</option>${verdicts.map(opt).join('')}</select></label>`,
    `<label>group <select name="group"><option value="">any</option>${groups.map(opt).join('')}</select></label>`,
    '<label>host <input type="search" name="q" placeholder="name contains"></label>',
    '<output id="shown"></output>',
    '</form></section>',
  ].join('\n');
}

function dataAttrs(h: ViewHost): string {
  return ` data-status="${h.status}" data-verdicts="${e(` ${verdictsOf(h).join(' ')} `)}" data-groups="${e(`\n${(h.groups ?? []).join('\n')}\n`)}" data-name="${e(h.name)}"`;
}

function gridSection(view: FleetView): string {
  const out: string[] = ['<section id="grid"><h2>Hosts</h2>'];
  const sections = new Map<string, Map<string, Array<[ViewHost, number]>>>();
  view.hosts.forEach((h, i) => {
    const b = batchKey(view, h);
    const groups = sections.get(b) ?? new Map<string, Array<[ViewHost, number]>>();
    sections.set(b, groups);
    const g = primaryGroup(h);
    groups.set(g, [...(groups.get(g) ?? []), [h, i]]);
  });
  for (const [batch, groups] of sections) {
    const all = [...groups.values()].flat();
    const bad = all.filter(([h]) => failing(h)).length;
    out.push(`<div class="batch"><h3>${e(batch)} <small>${all.length} host${all.length === 1 ? '' : 's'}${bad ? `, ${bad} failed or unreachable` : ''}</small></h3>`);
    for (const [group, hosts] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`<h4>${e(group)}</h4><div class="cells">`);
      for (const [h, i] of hosts) {
        const v = h.tunnels.filter((t) => t.verdict !== 'up').map((t) => t.verdict);
        out.push(`<a class="cell s-${h.status}${statusLabel(view, h) !== h.status ? ' down' : ''}" href="#h${i}"${dataAttrs(h)} title="${e(`${h.name}: ${statusLabel(view, h)}${v.length ? ` (${v.join(', ')})` : ''}`)}">${e(h.name)}<i>${h.status}</i></a>`);
      }
      out.push('</div>');
    }
    out.push('</div>');
  }
  out.push('</section>');
  return out.join('\n');
}

function hostDetails(view: FleetView, h: ViewHost, i: number): string {
  const rows: Array<[string, string]> = [['status', `<span class="badge s-${h.status}">${statusLabel(view, h)}</span>${h.rolledBack ? ' rolled back to the previous config' : ''}`]];
  if (view.sources.length > 1) rows.push(['report', e(view.sources[h.source]?.label ?? '')]);
  if (h.batch !== null) rows.push(['batch', String(h.batch)]);
  if (h.groups && h.groups.length > 0) rows.push(['groups', e(h.groups.join(', '))]);
  if (h.step !== null && failing(h)) rows.push(['step', e(h.step)]);
  if (h.error !== null) rows.push([h.status === 'skipped' ? 'why' : 'error', `<span class="err">${e(h.error)}</span>`]);
  rows.push(['ssh execs', String(h.sshExecs)], ['duration', duration(h.durationMs)]);
  const out: string[] = [
    `<details id="h${i}" class="host s-${h.status}"${dataAttrs(h)}${failing(h) || statusLabel(view, h) !== h.status ? ' open' : ''}>`,
    `<summary><b>${e(h.name)}</b> <span class="badge s-${h.status}">${statusLabel(view, h)}</span> ${h.tunnels.map((t) => `<span class="v ${t.verdict === 'up' ? 'v-up' : 'v-bad'}">${e(t.name)}=${e(t.verdict)}</span>`).join(' ')}${h.changes.length ? ` <small>${h.changes.length} change${h.changes.length === 1 ? '' : 's'}</small>` : ''}</summary>`,
    `<table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`,
  ];
  if (h.tunnels.length > 0) {
    out.push('<table class="tunnels"><thead><tr><th>tunnel</th><th>verdict</th><th>local</th><th>remote</th><th>iface</th><th>running</th><th>since</th><th>hint</th></tr></thead><tbody>');
    for (const t of h.tunnels) {
      const prev = t.previousVerdict !== undefined ? ` <small>(new config: ${e(t.previousVerdict)})</small>` : '';
      const running = t.running === undefined ? '-' : t.running ? 'yes' : 'no';
      out.push(
        `<tr><td>${e(t.name)}</td><td><span class="v ${t.verdict === 'up' ? 'v-up' : 'v-bad'}">${e(t.verdict)}</span>${prev}</td><td>${e(t.localIp ?? '-')}</td><td>${e(t.remoteIp ?? '-')}</td>` +
          `<td>${e(t.iface ?? '-')}</td><td>${running}</td><td>${e(t.since ?? '-')}</td><td>${t.hint ? e(t.hint) : '-'}</td></tr>`,
      );
      if (t.evidence && t.evidence.length > 0) {
        out.push(`<tr class="evidence"><td></td><td colspan="7"><pre>${t.evidence.map((l) => e(l)).join('\n')}</pre></td></tr>`);
      }
    }
    out.push('</tbody></table>');
  }
  if (h.changes.length > 0) {
    // One line per change, as plain text: a fleet of 1000 routers with 13 changes each stays small.
    const list = `<pre>${h.changes.map((c) => `${e(c.action)} ${e(c.target)}`).join('\n')}</pre>`;
    out.push(`<details class="changes"><summary>${h.changes.length} change${h.changes.length === 1 ? '' : 's'}${view.sources[h.source]?.report.check ? ' pending (check mode)' : ''}</summary>${list}</details>`);
  }
  out.push('</details>');
  return out.join('\n');
}

const CSS = `
:root{--ok:#2e7d32;--changed:#1565c0;--failed:#c62828;--unreachable:#6a1b9a;--skipped:#757575;font:14px/1.4 system-ui,sans-serif;color:#222;background:#fafafa}
body{margin:0 auto;max-width:1200px;padding:1em}h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.5em}
h3{font-size:1.05em;margin:1em 0 .3em}h4{font-size:.9em;margin:.5em 0 .2em;color:#555}small{color:#666;font-weight:normal}
.counts{display:flex;gap:.5em;flex-wrap:wrap}.count{padding:.4em .8em;border-radius:4px;color:#fff;min-width:6em}.count b{font-size:1.5em;display:block}
.s-ok{--c:var(--ok)}.s-changed{--c:var(--changed)}.s-failed{--c:var(--failed)}.s-unreachable{--c:var(--unreachable)}.s-skipped{--c:var(--skipped)}
.count,.badge,.cell{background:var(--c)}.badge{color:#fff;padding:0 .4em;border-radius:3px;font-size:.85em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#eee}
.stopped,.stopped-row td{color:var(--failed);font-weight:bold}
.cells{display:flex;flex-wrap:wrap;gap:3px}.cell{color:#fff;text-decoration:none;padding:.15em .4em;border-radius:3px;font:12px monospace}
.cell i{display:none}.cell.s-failed,.cell.s-unreachable{outline:2px solid #000}.cell.down{background:repeating-linear-gradient(45deg,var(--ok),var(--ok) 4px,var(--failed) 4px,var(--failed) 8px)}
.v{white-space:nowrap;font:12px monospace;padding:0 .3em;border-radius:3px}.v-up{background:#e8f5e9;color:var(--ok)}.v-bad{background:#ffebee;color:var(--failed)}
details.host{background:#fff;border-left:6px solid var(--c);margin:.3em 0;padding:.3em .6em}details.host>summary{cursor:pointer}
.err{color:var(--failed);white-space:pre-wrap;word-break:break-word}pre{margin:0;white-space:pre-wrap;word-break:break-all;font-size:12px;background:#f5f5f5;padding:.3em}
td{word-break:break-word}.js-only{display:none}.js .js-only{display:block}form label{margin-right:1em}fieldset{display:inline;border:1px solid #ccc}
[hidden]{display:none!important}
`;

// Filters: hide grid cells and host details that do not match; nothing is fetched or built.
const SCRIPT = `
document.documentElement.classList.add('js');
const f=document.querySelector('#filters form');
function apply(){
  const st=new Set([...f.querySelectorAll('input[name=status]:checked')].map(i=>i.value));
  const v=f.verdict.value,g=f.group.value,q=f.q.value.toLowerCase();let n=0;
  for(const el of document.querySelectorAll('[data-status]')){
    const ok=st.has(el.dataset.status)&&(!v||el.dataset.verdicts.includes(' '+v+' '))&&(!g||el.dataset.groups.includes('\\n'+g+'\\n'))&&(!q||el.dataset.name.toLowerCase().includes(q));
    el.hidden=!ok;if(ok&&el.tagName==='DETAILS')n++;
  }
  document.getElementById('shown').textContent=n+' host(s) shown';
}
f.addEventListener('input',apply);f.addEventListener('submit',ev=>ev.preventDefault());apply();
`;

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * The HTML page for one or more reports (CI shards are merged: counts recomputed, a host that
 * is in several reports is shown as in the last one).
 *
 * @example buildHtml([{ label: 'report-1.json', report }]) // '<!doctype html>…'
 */
export function buildHtml(sources: readonly ReportSource[], opts: { generatedAt?: Date } = {}): string {
  const view = mergeView(sources);
  const first = sources[0]?.report;
  const command = first ? `pptp-fleet ${first.command}${first.check ? ' --check' : ''}` : 'pptp-fleet';
  const bad = view.summary.failed + view.summary.unreachable;
  const title = `${command}: ${view.hosts.length} hosts, ${bad} failed or unreachable`;
  const stopped = sources.some((s) => s.report.stopped !== null);
  const csp = `default-src 'none'; style-src ${sha256(CSS)}; script-src ${sha256(SCRIPT)}; img-src 'none'; form-action 'none'; base-uri 'none'`;
  const generated = (opts.generatedAt ?? new Date()).toISOString();
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<header><h1>${e(command)}</h1><p>${view.hosts.length} hosts from ${sources.length} report${sources.length === 1 ? '' : 's'}; ${bad} failed or unreachable${stopped ? '; <span class="stopped">a rollout stopped early</span>' : ''}. Generated ${e(generated)}.</p></header>`,
    summarySection(view),
    filterSection(view),
    gridSection(view),
    '<section id="details"><h2>Per host</h2>',
    ...view.hosts.map((h, i) => hostDetails(view, h, i)),
    '</section>',
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
