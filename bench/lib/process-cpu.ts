// CPU time of a process and all its descendants, from /proc (Linux), so a
// benchmark can report what each operation cost the database in CPU, a figure
// that, unlike latency, barely moves when other work shares the machine.

import fs from 'node:fs/promises';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is parenthesised and may hold spaces: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** CPU milliseconds used so far by `root` and its live descendants (null off Linux). */
export async function processTreeCpuMs(root: number): Promise<number | null> {
  let entries: string[];
  try {
    entries = await fs.readdir('/proc');
  } catch {
    return null;
  }
  const stats = (await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map((e) => readStat(Number(e))))).filter((s): s is ProcStat => s !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let ticks = 0;
  const stack = stats.filter((s) => s.pid === root);
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    ticks += s.ticks;
    stack.push(...(children.get(s.pid) ?? []));
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The postmaster's pid, from its data directory. */
export async function postmasterPid(dataDir: string): Promise<number> {
  const text = await fs.readFile(`${dataDir}/postmaster.pid`, 'utf8');
  return Number(text.split('\n')[0]);
}
