import { describe, expect, it } from 'vitest';
import { encodeTarget, parseCsv, planColumn, TableError } from './table.ts';

describe('encodeTarget', () => {
  it.each([
    [['0', '1', '0'], undefined, '1'],
    [['1', '2', '2'], undefined, '2'],
    [['good', 'bad', 'good'], undefined, 'bad'],
    [['Y', 'N', 'N'], undefined, 'Y'],
    [['ok', 'late', 'ok'], 'late', 'late'],
    [['0', '1'], '0', '0'],
  ])('values %j with --bad %s: the bad value is %s', (values, bad, expected) => {
    expect(encodeTarget(values, bad).bad).toBe(expected);
  });
  it('drops rows whose target is missing and labels the others', () => {
    const t = encodeTarget(['1', '', '0', 'NA', '1']);
    expect([...t.labels]).toEqual([1, 0, 1]);
    expect(t.rows).toEqual([0, 2, 4]);
    expect(t.missing).toBe(2);
  });
  it('refuses a target of three values, of one value, or two words it cannot tell apart', () => {
    expect(() => encodeTarget(['a', 'b', 'c'])).toThrow(TableError);
    expect(() => encodeTarget(['1', '1'])).toThrow(/two/);
    expect(() => encodeTarget(['ok', 'late'])).toThrow(/--bad/);
    expect(() => encodeTarget(['0', '1'], '7')).toThrow(/not a value/);
  });
});

describe('planColumn', () => {
  it('a column of words or whole numbers, different on every row, is identifier-like', () => {
    expect(planColumn('id', ['E1', 'E2', 'E3']).role).toBe('identifier');
    expect(planColumn('n', ['101', '7', '33']).role).toBe('identifier');
  });
  it('a continuous measurement unique per row stays a numeric feature', () => {
    expect(planColumn('x', ['1.25', '3.5', '0.75'])).toMatchObject({ role: 'feature', kind: 'numeric' });
  });
  it('numbers with missing markers are numeric; one word makes the column categorical', () => {
    expect(planColumn('x', ['1', 'NA', '', '2', '1'])).toMatchObject({ kind: 'numeric', missing: 2, role: 'feature' });
    expect(planColumn('x', ['1', 'two', '1'])).toMatchObject({ kind: 'categorical' });
  });
  it('a constant column and an empty one are set aside', () => {
    expect(planColumn('c', ['a', 'a']).role).toBe('constant');
    expect(planColumn('e', ['', 'NA']).role).toBe('empty');
  });
});

describe('parseCsv', () => {
  it('reads quoted fields, a BOM and CRLF line ends', () => {
    const t = parseCsv('\ufeffa,b\r\n"x, y",2\r\n3,"4"\r\n');
    expect(t).toEqual({ columns: ['a', 'b'], rows: [['x, y', '2'], ['3', '4']] });
  });
  it('refuses a row with the wrong number of fields and a repeated header', () => {
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(TableError);
    expect(() => parseCsv('a,a\n1,2\n')).toThrow(/twice/);
  });
});
