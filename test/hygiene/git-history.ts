/** Temporary git repositories with a history written in the past (GIT_COMMITTER_DATE / GIT_AUTHOR_DATE). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.js';

export const DAY = 86_400_000;

export class HistoryRepo {
  readonly dir = tempDir('flags-history-');
  constructor(readonly now: Date) {
    this.git(['init', '-q', '-b', 'main']);
  }

  git(args: string[], date?: Date): string {
    const iso = (date ?? this.now).toISOString();
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: this.dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Ada',
        GIT_AUTHOR_EMAIL: 'ada@example.com',
        GIT_COMMITTER_NAME: 'Ada',
        GIT_COMMITTER_EMAIL: 'ada@example.com',
        GIT_AUTHOR_DATE: iso,
        GIT_COMMITTER_DATE: iso,
      },
    });
  }

  write(files: Record<string, string | null>): void {
    for (const [name, text] of Object.entries(files)) {
      const full = path.join(this.dir, name);
      if (text === null) {
        rmSync(full, { force: true });
        continue;
      }
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
  }

  /** Writes the files and commits everything, `daysAgo` days before now. */
  commit(daysAgo: number, files: Record<string, string | null>, message = 'change'): void {
    this.write(files);
    const date = new Date(this.now.getTime() - daysAgo * DAY);
    this.git(['add', '-A'], date);
    this.git(['commit', '-q', '--allow-empty', '-m', message], date);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A flag as YAML, with the fields a test cares about. */
export function flag(key: string, fields: { enabled?: boolean; killSwitch?: boolean; fallthrough?: string; extra?: string; description?: string; updatedAt?: string } = {}): string {
  return [
    `key: ${key}`,
    `name: ${key}`,
    `description: "${fields.description ?? ''}"`,
    'type: boolean',
    'defaultValue: false',
    `enabled: ${fields.enabled ?? true}`,
    'rules: []',
    ...(fields.fallthrough ? [`fallthrough: ${fields.fallthrough}`] : []),
    'tags: []',
    'owner: web',
    ...(fields.killSwitch ? ['killSwitch: true'] : []),
    ...(fields.updatedAt ? [`updatedAt: ${fields.updatedAt}`] : []),
    ...(fields.extra ? [fields.extra] : []),
    '',
  ].join('\n');
}

/** The list form of a flag file. */
export function listFile(...flags: string[]): string {
  return 'flags:\n' + flags.map((f) => f.trimEnd().split('\n').map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n')).join('\n') + '\n';
}
