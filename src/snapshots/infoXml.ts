/**
 * snapper's info.xml: one element per line, two-space indent, UTC date
 * "YYYY-MM-DD HH:MM:SS". Userdata keys and values may contain neither ',' nor '='.
 */
export type SnapshotType = 'single' | 'pre' | 'post';

export interface SnapshotInfo {
  type: SnapshotType;
  num: number;
  date: Date;
  description: string;
  cleanup: string;
  preNum?: number;
  userdata: Record<string, string>;
}

export function formatSnapperDate(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

export function parseSnapperDate(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new Error(`bad snapper date: ${text}`);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

/** A userdata key or value snapper can store: no ',' or '=', no control characters. */
export function validUserdataText(text: string): boolean {
  return text.length > 0 && !/[,=\u0000-\u001f]/.test(text);
}

export function serializeInfo(info: SnapshotInfo): string {
  const lines = ['<?xml version="1.0"?>', '<snapshot>', `  <type>${info.type}</type>`, `  <num>${info.num}</num>`];
  lines.push(`  <date>${formatSnapperDate(info.date)}</date>`);
  if (info.preNum !== undefined) lines.push(`  <pre_num>${info.preNum}</pre_num>`);
  if (info.description) lines.push(`  <description>${escapeXml(oneLine(info.description))}</description>`);
  if (info.cleanup) lines.push(`  <cleanup>${escapeXml(info.cleanup)}</cleanup>`);
  for (const [key, value] of Object.entries(info.userdata)) {
    if (!validUserdataText(key) || !validUserdataText(value)) {
      throw new Error(`invalid snapper userdata ${JSON.stringify(key)}=${JSON.stringify(value)}`);
    }
    lines.push('  <userdata>', `    <key>${escapeXml(key)}</key>`, `    <value>${escapeXml(value)}</value>`, '  </userdata>');
  }
  lines.push('</snapshot>', '');
  return lines.join('\n');
}

/** Descriptions are one line of text: control characters (C0, DEL, C1) become spaces. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

export function parseInfo(xml: string): SnapshotInfo {
  const body = /<snapshot>([\s\S]*)<\/snapshot>/.exec(xml)?.[1];
  if (body === undefined) throw new Error('not a snapper info.xml');
  const plain = body.replace(/<userdata>[\s\S]*?<\/userdata>/g, '');
  const element = (name: string) => {
    const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(plain);
    return m ? unescapeXml(m[1]!.trim()) : undefined;
  };
  const userdata: Record<string, string> = {};
  for (const m of body.matchAll(/<userdata>\s*<key>([\s\S]*?)<\/key>\s*<value>([\s\S]*?)<\/value>\s*<\/userdata>/g)) {
    userdata[unescapeXml(m[1]!.trim())] = unescapeXml(m[2]!.trim());
  }
  const num = Number(element('num'));
  if (!Number.isInteger(num) || num < 0) throw new Error('info.xml has no valid <num>');
  const type = (element('type') ?? 'single') as SnapshotType;
  const preNum = element('pre_num');
  return {
    type,
    num,
    date: parseSnapperDate(element('date') ?? '1970-01-01 00:00:00'),
    // Foreign info.xml files may hold anything: a description stays one line of text.
    description: oneLine(element('description') ?? ''),
    cleanup: element('cleanup') ?? '',
    ...(preNum !== undefined ? { preNum: Number(preNum) } : {}),
    userdata,
  };
}
