/** The steering summary [SM1–SM7] and the Markdown status pack [PK1–PK4], on the demo plan. */
import { describe, expect, it } from 'vitest';
import { buildDemoPlan } from '../../server/seed/demo-plan.ts';
import { raidHistories } from '../../shared/doc/raid.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { deliveryFacts } from '../../shared/steering/delivery.ts';
import { mdCell, mdText, packMarkdown } from '../../shared/steering/pack.ts';
import { asOfStamp } from '../../shared/steering/stamp.ts';
import { steeringSummary } from '../../shared/steering/summary.ts';

/** Wednesday 18 June 2025, 14:45 London (BST). */
const NOW = Date.UTC(2025, 5, 18, 13, 45);
const doc = buildDemoPlan(NOW);
const plan = snapshot(doc);
const histories = raidHistories(doc);
const sum = steeringSummary(plan, histories, NOW, { delivery: deliveryFacts(plan, NOW) });

describe('steering summary', () => {
  it('[SM1] workstreams in rank order with RAG, icon and comment', () => {
    expect(sum.workstreams.map((w) => [w.name.split(' ')[0], w.rag, w.icon])).toEqual([
      ['Facility', 'amber', '◆'],
      ['Cluster', 'red', '▲'],
      ['Data', 'green', '●'],
      ['ML', 'amber', '◆'],
      ['Security', 'green', '●']
    ]);
    expect(sum.workstreams[1].owner).not.toMatch(/^m-/);
  });

  it('[SM2] milestones due within 30 days or slipping and not past, by end date', () => {
    for (const m of sum.milestones) {
      expect(m.end >= sum.today).toBe(true);
      expect(m.dueSoon || m.slipping).toBe(true);
    }
    const ids = sum.milestones.map((m) => m.id);
    expect(ids).toContain('ms-fac-power'); // +21 days late, due in 9 days
    expect(ids).toContain('ms-cluster-ga'); // slipping, more than 30 days out
    expect(ids).not.toContain('ms-fac-cooling'); // slipped, but in the past
    expect(ids).not.toContain('ms-soc2-type1'); // on baseline, 60 days out
    expect([...sum.milestones].sort((a, b) => a.end.localeCompare(b.end))).toEqual(sum.milestones);
  });

  it('[SM3, SM5, SM6] top risks and issues, overdue reviews and counts agree with the register', () => {
    expect(sum.topRisks[0]).toMatchObject({ id: 'R-1', score: 20, band: 'red' });
    expect(sum.topRisks.every((r) => r.kind === 'risk' && r.status !== 'closed')).toBe(true);
    expect(sum.topIssues.map((r) => r.id)).toEqual(['I-1', 'I-3']);
    expect(sum.overdueReviews.map((r) => r.id).sort()).toEqual(['R-3', 'R-6']);
    expect(sum.counts).toMatchObject({ openRisks: 6, openIssues: 2, overdueReviews: 2, decisionsNeeded: plan.decisions.filter((d) => d.status === 'proposed').length });
    expect(sum.counts.redRisks + sum.counts.amberRisks + sum.counts.greenRisks).toBe(6);
  });

  it('[SM4] decisions needed are the proposed ones', () => {
    expect(sum.decisionsNeeded.length).toBeGreaterThan(0);
    expect(sum.decisionsNeeded.every((d) => d.status === 'proposed')).toBe(true);
  });

  it('[SM7] exposure now is the sum over open risks', () => {
    const open = plan.raid.filter((r) => r.kind === 'risk' && r.status !== 'closed');
    expect(sum.exposure.inherent).toBe(open.reduce((n, r) => n + r.likelihood * r.impact, 0));
    expect(sum.exposure.trend.at(-1)!.day).toBe(sum.today);
  });
});

describe('status pack (Markdown)', () => {
  const md = packMarkdown(sum);

  it('[PK1] names the plan and stamps the time with its zone', () => {
    expect(asOfStamp(NOW, 'Europe/London')).toBe('as of 18 Jun 2025, 14:45 BST (Europe/London)');
    expect(asOfStamp(NOW, 'UTC')).toBe('as of 18 Jun 2025, 13:45 (UTC)');
    expect(md.split('\n').slice(0, 3)).toEqual([`# ${mdText(plan.meta.name)} — steering status pack`, '', '_as of 18 Jun 2025, 14:45 BST (Europe/London)_']);
  });

  it('[PK2] has every section, in meeting order', () => {
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Key figures',
      '## Workstreams',
      '## Milestones: next 30 days and slipping',
      '## Top risks',
      '## Top issues',
      '## Decisions needed',
      '## Decided in the last 30 days',
      '## Reviews overdue'
    ]);
    expect(md).toContain('| Open risks | 6 (');
    expect(md).toContain('Velocity (mean of last 3 sprints)');
  });

  it('[PK3] RAG and bands as icon and word', () => {
    expect(md).toContain('| ▲ Red |');
    expect(md).toMatch(/\| 20 ▲ Red → residual 12 \|/);
    expect(md).toContain('⚑ overdue');
  });

  it('[PK4] escapes Markdown in plan text', () => {
    expect(mdText('a*b_c [x](y) `z` <b>')).toBe('a\\*b\\_c \\[x\\](y) \\`z\\` \\<b\\>');
    expect(mdText('# not a heading')).toBe('\\# not a heading');
    expect(mdText('1. not a list')).toBe('1\\. not a list');
    expect(mdCell('pipe | and\nnewline')).toBe('pipe \\| and newline');
    const evil = steeringSummary({ ...plan, meta: { ...plan.meta, name: '[click](http://evil)' } }, histories, NOW);
    expect(packMarkdown(evil)).toContain('# \\[click\\](http://evil) — steering status pack');
  });

  it('is the same text for the same state and time', () => {
    expect(packMarkdown(steeringSummary(plan, histories, NOW, { delivery: deliveryFacts(plan, NOW) }))).toBe(md);
  });
});
