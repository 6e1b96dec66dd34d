import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../main/db/database';
import { auditCsv, reportCsv, reportFilename, spreadsheetSafe } from '../../../main/supervisor/csvExport';
import { openHubDatabase } from '../../../main/supervisor/hubDatabase';
import { buildReport, ReportRequestError, reportPeriod } from '../../../main/supervisor/reports';
import type { AuditEntry } from '../../../shared/supervisor/stationService';

// Riga: UTC+2 in winter, +3 in summer; 2025-03-30 springs forward at 03:00.
const timeZone = 'Europe/Riga';
const shifts = [6, 14, 22];
const utc = (text: string) => Date.parse(`${text}Z`);

describe('reports', () => {
  let db: Db;

  beforeAll(() => {
    db = openHubDatabase(':memory:');
    const sale = db.prepare('INSERT INTO sales (sale_id, lane_id, number, status, started_at, closed_at, item_count, total_minor, currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    sale.run('s1', 'L01', 1, 'completed', utc('2025-01-15T10:05:00'), utc('2025-01-15T10:10:00'), 5, 1000, 'EUR');
    sale.run('s2', 'L01', 2, 'completed', utc('2025-01-15T12:20:00'), utc('2025-01-15T12:30:00'), 10, 2500, 'EUR');
    sale.run('s3', 'L01', 3, 'abandoned', utc('2025-01-15T12:40:00'), utc('2025-01-15T13:00:00'), 2, 300, 'EUR');
    sale.run('s4', 'L02', 1, 'completed', utc('2025-01-15T13:50:00'), utc('2025-01-15T14:00:00'), 5, 800, 'EUR');
    sale.run('s5', 'L02', 2, 'cancelled', utc('2025-01-15T20:50:00'), utc('2025-01-15T21:00:00'), 1, 100, 'EUR');
    // The next day (local): in no report of the 15th.
    sale.run('s6', 'L02', 3, 'completed', utc('2025-01-16T09:50:00'), utc('2025-01-16T10:00:00'), 1, 100, 'EUR');
    const intervention = db.prepare('INSERT INTO interventions (lane_id, kind, line_id, sale_id, raised_at, cleared_at) VALUES (?, ?, NULL, ?, ?, ?)');
    intervention.run('L01', 'ageCheck', 's2', utc('2025-01-15T12:25:00'), utc('2025-01-15T12:26:00'));
    intervention.run('L01', 'parked', 's3', utc('2025-01-15T12:55:00'), utc('2025-01-15T13:00:00'));
    // Help called while s4 was open, before the first scan had named the sale.
    intervention.run('L02', 'help', null, utc('2025-01-15T13:55:00'), utc('2025-01-15T13:56:00'));
    intervention.run('L02', 'paperLow', null, utc('2025-01-15T15:00:00'), null);
    // The evening before (local): neither counted nor waited on the 15th.
    intervention.run('L02', 'help', null, utc('2025-01-14T21:00:00'), utc('2025-01-14T21:10:00'));
  });
  afterAll(() => db.close());

  it('works out local periods: a day, each shift, the night shift into the next morning, a DST day', () => {
    expect(reportPeriod({ kind: 'day', date: '2025-01-15' }, { shifts, timeZone })).toMatchObject({ from: utc('2025-01-14T22:00:00'), to: utc('2025-01-15T22:00:00') });
    expect(reportPeriod({ kind: 'shift', date: '2025-01-15', shift: 6 }, { shifts, timeZone })).toMatchObject({ from: utc('2025-01-15T04:00:00'), to: utc('2025-01-15T12:00:00') });
    expect(reportPeriod({ kind: 'shift', date: '2025-01-15', shift: 22 }, { shifts, timeZone })).toMatchObject({ from: utc('2025-01-15T20:00:00'), to: utc('2025-01-16T04:00:00') });
    expect(reportPeriod({ kind: 'day', date: '2025-07-01' }, { shifts, timeZone })).toMatchObject({ from: utc('2025-06-30T21:00:00'), to: utc('2025-07-01T21:00:00') });
    // 23 hours long, and its hours skip 03:00.
    expect(reportPeriod({ kind: 'day', date: '2025-03-30' }, { shifts, timeZone })).toMatchObject({ from: utc('2025-03-29T22:00:00'), to: utc('2025-03-30T21:00:00') });
    const dstDay = buildReport(db, { kind: 'day', date: '2025-03-30' }, { shifts, timeZone });
    expect(dstDay.byHour.map((hour) => hour.hour)).toEqual([0, 1, 2, ...Array.from({ length: 20 }, (_, index) => index + 4)]);
    // Unsorted shifts are the same shifts.
    expect(reportPeriod({ kind: 'shift', date: '2025-01-15', shift: 14 }, { shifts: [22, 6, 14], timeZone }).to).toBe(utc('2025-01-15T20:00:00'));
  });

  it('refuses a date that does not exist, a shift the store does not have and bad shift lists', () => {
    expect(() => reportPeriod({ kind: 'day', date: '2025-02-30' }, { shifts, timeZone })).toThrow(ReportRequestError);
    expect(() => reportPeriod({ kind: 'shift', date: '2025-01-15', shift: 7 }, { shifts, timeZone })).toThrow(/no shift starts at 7; shifts start at 6, 14, 22/);
    expect(() => reportPeriod({ kind: 'day', date: '2025-01-15' }, { shifts: [6, 6], timeZone })).toThrow(ReportRequestError);
    expect(() => reportPeriod({ kind: 'day', date: '2025-01-15' }, { shifts: [24], timeZone })).toThrow(ReportRequestError);
    expect(() => reportPeriod({ kind: 'day', date: '2025-01-15' }, { shifts: [], timeZone })).toThrow(ReportRequestError);
  });

  it('gives a day’s figures: sales, self-service rate, interventions per sale, wait, time per item, by hour and by lane', () => {
    const report = buildReport(db, { kind: 'day', date: '2025-01-15' }, { shifts, timeZone });
    expect(report).toMatchObject({
      request: { kind: 'day', date: '2025-01-15' },
      shifts,
      currency: 'EUR',
      sales: 5,
      completedSales: 3,
      abandonedSales: 1,
      cancelledSales: 1,
      salesTotalMinor: 4300,
      interventions: 4,
      interventionCounts: { ageCheck: 1, parked: 1, help: 1, paperLow: 1 },
      interventionsPerSale: { ageCheck: 0.2, parked: 0.2, help: 0.2, paperLow: 0.2 },
      // 60 s, 300 s and 60 s; the open paper-low one has no wait yet.
      averageWaitMs: 140_000,
      // 5 + 10 + 10 minutes over 20 items.
      averageTimePerItemMs: 75_000,
    });
    // s1 alone had no intervention: s2 had its age check, s4 help called during it at its lane.
    expect(report.selfServiceRate).toBeCloseTo(1 / 3, 10);
    expect(report.byHour).toHaveLength(24);
    expect(report.byHour.filter((hour) => hour.sales > 0 || hour.interventions > 0)).toEqual([
      { hour: 12, sales: 1, interventions: 0 },
      { hour: 14, sales: 1, interventions: 2 },
      { hour: 15, sales: 1, interventions: 1 },
      { hour: 16, sales: 1, interventions: 0 },
      { hour: 17, sales: 0, interventions: 1 },
      { hour: 23, sales: 1, interventions: 0 },
    ]);
    expect(report.byLane).toEqual([
      { laneId: 'L01', sales: 3, interventions: 2, selfServiceRate: 0.5 },
      { laneId: 'L02', sales: 2, interventions: 2, selfServiceRate: 0 },
    ]);
  });

  it('gives a shift’s figures, and nulls where there is nothing to divide by', () => {
    const late = buildReport(db, { kind: 'shift', date: '2025-01-15', shift: 14 }, { shifts, timeZone });
    expect(late).toMatchObject({ from: utc('2025-01-15T12:00:00'), to: utc('2025-01-15T20:00:00'), sales: 3, completedSales: 2, selfServiceRate: 0, interventions: 4 });
    expect(late.byHour.map((hour) => hour.hour)).toEqual([14, 15, 16, 17, 18, 19, 20, 21]);

    const night = buildReport(db, { kind: 'shift', date: '2025-01-15', shift: 22 }, { shifts, timeZone });
    expect(night).toMatchObject({ sales: 1, completedSales: 0, cancelledSales: 1, salesTotalMinor: 0, selfServiceRate: null, averageWaitMs: null, averageTimePerItemMs: null, interventions: 0 });
    expect(night.byHour.map((hour) => hour.hour)).toEqual([22, 23, 0, 1, 2, 3, 4, 5]);

    const empty = buildReport(db, { kind: 'day', date: '2024-12-01' }, { shifts, timeZone });
    expect(empty).toMatchObject({ currency: null, sales: 0, selfServiceRate: null, interventionsPerSale: {}, byLane: [] });
  });

  it('exports a report as long-form CSV', () => {
    const csv = reportCsv(buildReport(db, { kind: 'day', date: '2025-01-15' }, { shifts, timeZone }));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('section,key,metric,value');
    expect(lines).toContain('summary,,period,2025-01-15');
    expect(lines).toContain('summary,,sales,5');
    expect(lines).toContain('summary,,selfServiceRate,0.3333');
    expect(lines).toContain('summary,,averageWaitMs,140000');
    expect(lines).toContain('interventionKind,ageCheck,perSale,0.2');
    expect(lines).toContain('hour,14,interventions,2');
    expect(lines).toContain('lane,L02,selfServiceRate,0');
    expect(reportFilename({ kind: 'day', date: '2025-01-15' })).toBe('lanewise-report-2025-01-15.csv');
    expect(reportFilename({ kind: 'shift', date: '2025-01-15', shift: 6 })).toBe('lanewise-report-2025-01-15-shift-06.csv');
  });
});

describe('CSV export', () => {
  const entry = (id: number, reason: string | null, action = 'approveAge'): AuditEntry => ({
    id,
    at: utc('2025-01-15T12:25:00'),
    assistantId: '1002',
    assistantName: 'Ivan Petrov',
    role: 'supervisor',
    laneId: 'L01',
    saleId: 's2',
    action,
    reason,
    via: 'supervisor',
    outcome: 'done',
    detail: '{"action":{"kind":"approveAge"}}',
  });

  it('quotes commas, quotes and line breaks, and writes times in UTC', () => {
    const csv = auditCsv([entry(1, 'said "hi", then\nleft'), entry(2, null)]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('id,time,assistant_id,assistant,role,lane,sale,action,reason,via,outcome,detail');
    expect(csv).toContain('1,2025-01-15T12:25:00.000Z,1002,Ivan Petrov,supervisor,L01,s2,approveAge,"said ""hi"", then\nleft",supervisor,done,"{""action"":{""kind"":""approveAge""}}"');
    expect(csv).toContain('2,2025-01-15T12:25:00.000Z,1002,Ivan Petrov,supervisor,L01,s2,approveAge,,supervisor,done,');
  });

  it('keeps anything a spreadsheet would run as a formula as text', () => {
    expect(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx', 'plain', ''].map(spreadsheetSafe)).toEqual(["'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", 'plain', '']);
    expect(spreadsheetSafe(-5)).toBe(-5);
    const csv = auditCsv([entry(3, '=HYPERLINK("http://evil.example","click")', '@cmd')]);
    expect(csv).toContain(`'@cmd,"'=HYPERLINK(""http://evil.example"",""click"")"`);
    for (const line of csv.split('\r\n').slice(1).filter(Boolean)) for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+\-@]/);
  });
});
