/**
 * Runs one peer tool as a child process and measures it: wall seconds, the peak RSS of its
 * process tree (the highest VmHWM seen of each process, summed, sampled every 50 ms from
 * /proc), and how much the watched server's JVM grew (its highest VmRSS during the run minus
 * its VmRSS before) and the CPU seconds it spent. Linux only (/proc); elsewhere the memory
 * figures are NaN.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";

/** What a measured run gives. */
export interface Measured {
  seconds: number;
  /** Peak RSS of the tool's process tree, in bytes. */
  peakRss: number;
  /** Growth of the watched server's RSS during the run, in bytes (NaN when none watched). */
  serverRssGrowth: number;
  /** CPU seconds the watched server spent during the run. */
  serverCpuSeconds: number;
  /** What the tool printed on stdout. */
  stdout: string;
}

function statusField(pid: number, field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1];
    return kb === undefined ? NaN : Number(kb) * 1024;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far; NaN when unreadable. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function children(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
    return tasks.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function tree(pid: number): number[] {
  const all = [pid];
  for (let k = 0; k < all.length; k++) all.push(...children(all[k]));
  return all;
}

/**
 * Runs `command args` and measures it; rejects when it exits non-zero.
 *
 * @param command The program.
 * @param args Its arguments.
 * @param options `env` additions, the server JVM's pid to watch, and a log for its stderr.
 */
export function measure(
  command: string,
  args: string[],
  options: {
    env?: Record<string, string>;
    serverPid?: number;
    label: string;
    /** Kill the tool (its whole process tree) after this long; default none. */
    timeoutMs?: number;
  },
): Promise<Measured> {
  const serverPid = options.serverPid;
  const serverBefore = serverPid ? statusField(serverPid, "VmRSS") : NaN;
  const cpuBefore = serverPid ? cpuSeconds(serverPid) : NaN;
  let serverPeak = serverBefore;
  const hwm = new Map<number, number>();
  const started = performance.now();
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const sample = () => {
    if (child.pid) {
      for (const pid of tree(child.pid)) {
        const h = statusField(pid, "VmHWM");
        if (!Number.isNaN(h)) hwm.set(pid, Math.max(hwm.get(pid) ?? 0, h));
      }
    }
    if (serverPid) {
      const r = statusField(serverPid, "VmRSS");
      if (!Number.isNaN(r)) serverPeak = Math.max(serverPeak, r);
    }
  };
  const timer = setInterval(sample, 50);
  sample();
  let timedOut = false;
  const limit = options.timeoutMs
    ? setTimeout(() => {
      timedOut = true;
      for (const pid of child.pid ? tree(child.pid).reverse() : []) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }, options.timeoutMs)
    : undefined;
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => out += d);
  child.stderr.setEncoding("utf8").on("data", (d: string) => err = (err + d).slice(-8000));
  return new Promise((resolve, reject) => {
    child.on("error", (e) => {
      clearInterval(timer);
      clearTimeout(limit);
      reject(e);
    });
    child.on("close", (code) => {
      clearInterval(timer);
      clearTimeout(limit);
      const seconds = (performance.now() - started) / 1000;
      if (timedOut) {
        const minutes = (options.timeoutMs ?? 0) / 60000;
        reject(new Error(`${options.label} did not finish within ${minutes} minutes: stopped`));
        return;
      }
      if (code !== 0) {
        reject(new Error(`${options.label} failed (exit ${code}): ${err.trim().slice(-3000)}`));
        return;
      }
      const peakRss = hwm.size ? [...hwm.values()].reduce((a, b) => a + b, 0) : NaN;
      resolve({
        seconds,
        peakRss,
        serverRssGrowth: serverPid ? serverPeak - serverBefore : NaN,
        serverCpuSeconds: serverPid ? cpuSeconds(serverPid) - cpuBefore : NaN,
        stdout: out,
      });
    });
  });
}
