/** What the running kernel's command line says about this boot (tu.snapshot, tu.fallback). */
export interface BootCmdline {
  snapshot: number | undefined;
  fallback: boolean;
}

export function parseBootCmdline(text: string): BootCmdline {
  let snapshot: number | undefined;
  let fallback = false;
  for (const word of text.trim().split(/\s+/)) {
    const m = /^tu\.snapshot=(\d+)$/.exec(word);
    if (m) snapshot = Number(m[1]);
    if (word === 'tu.fallback=1') fallback = true;
  }
  return { snapshot, fallback };
}
