import { formatBytes } from '../../../core/template/image';
import { STEP_ORDER, type StepEvent } from '../../../core/template/pipeline';

const BOLD = '\x1b[1m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/** A terminal wants CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * Turns the pipeline's events into terminal text: a numbered heading per step, the tools' output as it
 * comes, one upload progress line rewritten in place, and a ✓ / skipped / ✗ line when the step ends.
 */
export class StepWriter {
  private progressShown = false;
  private lastPercent = -1;

  constructor(private readonly write: (text: string) => void) {}

  event(e: StepEvent): void {
    switch (e.type) {
      case 'start':
        this.endProgress();
        this.write(`\r\n${BOLD}▶ ${STEP_ORDER.indexOf(e.step) + 1}/${STEP_ORDER.length} ${e.title}${RESET}\r\n`);
        return;
      case 'output':
        this.endProgress();
        this.write(crlf(e.text));
        return;
      case 'progress': {
        const percent = e.total > 0 ? Math.floor((e.done / e.total) * 100) : 100;
        if (percent === this.lastPercent) return;
        this.lastPercent = percent;
        this.progressShown = true;
        this.write(`\r\x1b[2K  ${formatBytes(e.done)} of ${formatBytes(e.total)} (${percent} %)`);
        return;
      }
      case 'done':
        this.endProgress();
        this.write(`${GREEN}✓ ${e.detail}${RESET}\r\n`);
        return;
      case 'skip':
        this.endProgress();
        this.write(`${YELLOW}↷ skipped: ${e.detail}${RESET}\r\n`);
        return;
      case 'fail':
        this.endProgress();
        this.write(`${RED}✗ ${crlf(e.error)}${RESET}\r\n`);
        return;
    }
  }

  private endProgress(): void {
    if (!this.progressShown) return;
    this.progressShown = false;
    this.lastPercent = -1;
    this.write('\r\n');
  }
}
