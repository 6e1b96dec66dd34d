import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
import tseslint from 'typescript-eslint';
import { layersRule } from '../../eslint/layers.js';

RuleTester.describe = describe;
RuleTester.it = it;

const root = '/repo';
const options = [{ root, allowed: { shared: [], devices: ['shared'], main: ['shared', 'devices'], renderer: ['shared'] } }];
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

describe('lanewise/layers', () => {
  tester.run("layers", layersRule, {
    valid: [
      { filename: `${root}/shared/checkout/machine.ts`, code: "import { x } from '../money';", options },
      { filename: `${root}/devices/printer/service.ts`, code: "import type { X } from '../../shared/devices';", options },
      { filename: `${root}/main/lane/runtime.ts`, code: "import { y } from '../../devices/printer/service'; import { z } from '../../shared/result';", options },
      { filename: `${root}/renderer/main.tsx`, code: "export * from '../shared/bridge/rpc';", options },
      { filename: `${root}/tests/main/x.test.ts`, code: "import { y } from '../../main/lane/runtime';", options },
      { filename: `${root}/main/cli/index.ts`, code: "import { Command } from 'commander';", options },
    ],
    invalid: [
      { filename: `${root}/shared/money.ts`, code: "import { x } from '../devices/serial/transport';", options, errors: [{ messageId: 'forbidden' }] },
      { filename: `${root}/devices/scanner/service.ts`, code: "import { x } from '../../main/lane/journal';", options, errors: [{ messageId: 'forbidden' }] },
      { filename: `${root}/renderer/kiosk/App.tsx`, code: "import { x } from '../../main/lane/runtime';", options, errors: [{ messageId: 'forbidden' }] },
      { filename: `${root}/renderer/kiosk/App.tsx`, code: "export { x } from '../../devices/printer/codec';", options, errors: [{ messageId: 'forbidden' }] },
      { filename: `${root}/main/lane/runtime.ts`, code: "const m = import('../../renderer/main');", options, errors: [{ messageId: 'forbidden' }] },
    ],
  });
});
