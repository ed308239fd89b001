/**
 * The status pack as Markdown [PK1–PK4], generated from a SteeringSummary (shared/steering/
 * summary.ts). Pure: the same summary always gives the same text.
 *
 * [PK1] The first lines name the plan and stamp the time: "as of <time, zone>".
 * [PK2] Sections in meeting order: key figures, workstreams, milestones, top risks, top issues,
 *       decisions needed, recent decisions, overdue reviews. An empty section says so.
 * [PK3] RAG and bands are written as icon + word ("▲ Red"), never colour or emoji alone.
 * [PK4] Text from the plan is escaped: Markdown punctuation gets a backslash, and in tables pipes are
 *       escaped and line breaks become spaces, so a title cannot break the layout or inject links.
 */
import type { SteeringSummary, SummaryItem } from './summary.ts';
import { RAG_ICON, RAG_LABEL } from './scoring.ts';
import type { Rag } from '../schema.ts';

/** [PK4] Escapes Markdown punctuation in inline text. */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`).replace(/^(\s*)([-#+])/, '$1\\$2').replace(/^(\s*\d+)\./, '$1\\.');
}

/** [PK4] A table cell: escaped, on one line. */
export function mdCell(text: string): string {
  return mdText(text.replace(/\r?\n|\r/g, ' ').trim()) || ' ';
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const rag = (r: Rag) => `${RAG_ICON[r]} ${RAG_LABEL[r]}`;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function items(list: SummaryItem[], empty: string): string {
  if (list.length === 0) return `_${empty}_`;
  return table(
    ['Item', 'Score', 'Owner', 'Status', 'Review'],
    list.map((r) => [
      `${mdCell(r.title)} (${mdCell(r.id)})`,
      `${r.score} ${rag(r.band)}${r.residualScore !== null ? ` → residual ${r.residualScore}` : ''}`,
      mdCell(r.owner),
      r.status,
      r.review ? `${r.review}${r.overdue ? ' ⚑ overdue' : ''}` : '—'
    ])
  );
}

export function packMarkdown(s: SteeringSummary): string {
  const c = s.counts;
  const out: string[] = [];
  out.push(`# ${mdText(s.planName)} — steering status pack`, '', `_${s.asOf}_`, '');

  out.push('## Key figures', '');
  const figures: [string, string][] = [
    ['Open risks', `${c.openRisks} (${c.redRisks} red, ${c.amberRisks} amber, ${c.greenRisks} green)`],
    ['Open issues', String(c.openIssues)],
    ['Reviews overdue', String(c.overdueReviews)],
    ['Decisions needed', String(c.decisionsNeeded)],
    [`Milestones due in ${s.horizonDays} days`, String(c.milestonesDueSoon)],
    ['Milestones slipping', String(c.milestonesSlipping)],
    ['Workstreams', `${c.workstreams.red} red, ${c.workstreams.amber} amber, ${c.workstreams.green} green`],
    [
      'Risk exposure (inherent / residual)',
      `${s.exposure.inherent} / ${s.exposure.residual}` + (s.exposure.change ? ` (${signed(s.exposure.change.delta)} since ${s.exposure.change.sinceDay})` : '')
    ]
  ];
  if (s.delivery?.velocity) figures.push([`Velocity (mean of last ${s.delivery.velocity.sprints} sprints)`, `${s.delivery.velocity.mean} ${s.delivery.unit}`]);
  if (s.delivery?.active) figures.push([`Active sprint: ${mdCell(s.delivery.active.name)}`, `${s.delivery.active.completed} of ${s.delivery.active.committed} ${s.delivery.unit} done, ends ${s.delivery.active.end}`]);
  out.push(table(['Measure', 'Value'], figures), '');

  out.push('## Workstreams', '');
  out.push(
    s.workstreams.length === 0
      ? '_No workstreams._'
      : table(['Workstream', 'RAG', 'Owner', 'Comment'], s.workstreams.map((w) => [mdCell(w.name), rag(w.rag), mdCell(w.owner), mdCell(w.comment || '—')])),
    ''
  );

  out.push(`## Milestones: next ${s.horizonDays} days and slipping`, '');
  out.push(
    s.milestones.length === 0
      ? '_Nothing due and nothing slipping._'
      : table(
          ['Milestone', 'Workstream', 'Due', 'Baseline', 'Slip', 'Owner'],
          s.milestones.map((m) => [
            mdCell(m.name),
            mdCell(m.workstream || '—'),
            `${m.end} (${m.daysToGo === 0 ? 'today' : `in ${m.daysToGo} d`})`,
            m.baselineEnd ?? '—',
            m.slipDays === null ? '—' : m.slipDays > 0 ? `⚠ ${m.slipDays} d late` : m.slipDays < 0 ? `${-m.slipDays} d early` : 'on baseline',
            mdCell(m.owner)
          ])
        ),
    ''
  );

  out.push('## Top risks', '', items(s.topRisks, 'No open risks.'), '');
  out.push('## Top issues', '', items(s.topIssues, 'No open issues.'), '');

  out.push('## Decisions needed', '');
  if (s.decisionsNeeded.length === 0) out.push('_None._');
  for (const d of s.decisionsNeeded) {
    out.push(`- **${mdText(d.title)}** (${mdText(d.id)}) — owner ${mdText(d.owner)}, raised ${d.date}`);
    for (const o of d.options) out.push(`  - Option: ${mdText(o)}`);
  }
  out.push('');

  out.push(`## Decided in the last ${s.horizonDays} days`, '');
  if (s.recentDecisions.length === 0) out.push('_None._');
  for (const d of s.recentDecisions) out.push(`- ${d.date}: **${mdText(d.title)}** — ${mdText(d.rationale.replace(/\s+/g, ' ').trim() || 'no rationale recorded')}`);
  out.push('');

  out.push('## Reviews overdue', '', items(s.overdueReviews, 'No reviews overdue.'), '');
  return out.join('\n');
}
