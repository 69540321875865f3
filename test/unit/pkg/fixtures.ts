import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under fixtures/pkg/. */
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../../../fixtures/pkg/${relative}`, import.meta.url));
}

export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export interface RecordedExit {
  situation: string;
  argv: string;
  exitCode: number;
  output: string;
}

/** Exit codes recorded from the real tools by fixtures/pkg/generate/exit-codes.sh. */
export function recordedExits(manager: string): RecordedExit[] {
  return JSON.parse(readFixture(`exit-codes/${manager}.json`)) as RecordedExit[];
}
