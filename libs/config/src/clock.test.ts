import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clockFileRefreshMs, clockOf, commonSettings, loadConfig, readClockOffset, writeClockOffset } from './index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cascade-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('clockOf', () => {
  it('is real time when no file is named (production)', () => {
    let real = Date.parse('2026-03-02T02:00:00Z');
    const clock = clockOf('', () => real);
    expect(clock().toISOString()).toBe('2026-03-02T02:00:00.000Z');
    real += 5_000;
    expect(clock().toISOString()).toBe('2026-03-02T02:00:05.000Z');
    expect(loadConfig({ clockFile: commonSettings.clockFile }, {}).clockFile).toBe('');
  });

  it('adds the file’s offset, and sees a new offset only after the refresh interval', () => {
    const file = path.join(dir, 'clock.json');
    writeClockOffset(file, 86_400_000);
    let real = Date.parse('2026-03-02T02:00:00Z');
    const clock = clockOf(file, () => real);
    expect(clock().toISOString()).toBe('2026-03-03T02:00:00.000Z');
    writeClockOffset(file, 10 * 86_400_000);
    real += clockFileRefreshMs - 1;
    expect(clock().getTime()).toBe(real + 86_400_000); // the cached offset, at most refreshMs stale
    real += 1;
    expect(clock().getTime()).toBe(real + 10 * 86_400_000);
    expect(readClockOffset(file)).toBe(10 * 86_400_000);
  });

  it('keeps the last offset when a later read fails, and refuses a bad file at start', () => {
    const file = path.join(dir, 'broken.json');
    writeClockOffset(file, 60_000);
    let real = 1_000_000;
    const clock = clockOf(file, () => real);
    writeFileSync(file, '{"offsetMs": "soon"}');
    real += clockFileRefreshMs;
    expect(clock().getTime()).toBe(real + 60_000);
    expect(() => clockOf(file)).toThrow(/offsetMs must be an integer/);
    expect(() => clockOf(path.join(dir, 'missing.json'))).toThrow(/ENOENT/);
    expect(() => writeClockOffset(file, 1.5)).toThrow(/integer/);
  });
});
