// The Python the tests run: $PYTHON (scripts/test.sh sets it to the project
// venv's), else <repo>/.venv/bin/python when scripts/python-env.sh has made
// it. Never a bare `python3`: that may be a system Python without
// itsdangerous, into which nothing is installed (PEP 668).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function python() {
  if (process.env.PYTHON) return process.env.PYTHON;
  const venv = path.join(REPO, '.venv', 'bin', 'python');
  if (existsSync(venv)) return venv;
  throw new Error(
    `no Python for the itsdangerous checks: ${venv} is missing and PYTHON is not set. ` +
      'Run `bash scripts/python-env.sh` (make test does) to create the venv with tests/python/requirements.txt.',
  );
}
