import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ (code and declarations) once before the suites that run it, after the
 * workspace packages it is built from (@taskboard/api's declarations).
 */
export default function build(): void {
  execFileSync('pnpm', ['--filter', '@taskboard/client...', 'run', 'build'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'inherit',
  });
}
