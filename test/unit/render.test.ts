// The plan renderers: a terminal reads like `terraform plan`, JSON validates against the published schema, and a
// pull-request comment stays under GitHub's size limit, escaped, with no secret in any of them.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../core/diff/diff.ts';
import { KIND_NAMES, LEVELS } from '../../core/kinds.ts';
import { type JsonObject, type Resource, State, resourceKey } from '../../core/state.ts';
import { renderJson } from '../../core/plan/render-json.ts';
import { escapeMarkdown, renderMarkdown } from '../../core/plan/render-markdown.ts';
import { renderText, wantColor } from '../../core/plan/render-text.ts';
import type { Plan, PlanItem, TargetPlan } from '../../core/plan/types.ts';

const addFormats = addFormatsModule.default;
const SCHEMA = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as {
  $id: string;
  $schema: string;
  $defs: { kind: { enum: string[] } };
};

const SECRET = 'sup3r-s3cret-v4lue';
const FROM = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const TO = '5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80';
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function res(kind: Resource['kind'], names: string[], properties: JsonObject, more: Partial<Resource> = {}): Resource {
  return { kind, names, properties, ...more };
}

const POLICY = '<policies>\n  <inbound>\n    <base />\n    <rate-limit calls="10" renewal-period="60" />\n  </inbound>\n</policies>';
const PETS = `openapi: 3.0.1
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      responses: {'200': {description: ok}}
`;
const PETS_ADDED = `${PETS}    post:
      operationId: addPet
      summary: Add a pet
      responses: {'201': {description: created}}
`;

/** A target plan built by the real diff: one of everything a renderer has to show. */
function realisticTarget(target: string): TargetPlan {
  const desired = State.from([
    res('tag', ['public'], { displayName: 'Public' }),
    res('api', ['pets'], { displayName: 'Pet store', path: 'pets', serviceUrl: 'https://pets.internal' }, { specification: { format: 'openapi-yaml', content: PETS_ADDED } }),
    res('apiPolicy', ['pets', 'policy'], { format: 'rawxml', value: POLICY.replace('calls="10"', 'calls="20"') }),
    res('namedValue', ['db-password'], { displayName: 'db-password', secret: true, value: SECRET }),
    res('namedValue', ['missing'], { displayName: 'missing', secret: true }),
  ]);
  const live = State.from([
    res('api', ['pets'], { displayName: 'Pets', path: 'pets', serviceUrl: 'https://pets.internal' }),
    res('apiOperation', ['pets', 'listpets'], { displayName: 'List pets', method: 'GET', urlTemplate: '/pets' }),
    res('apiPolicy', ['pets', 'policy'], { format: 'xml', value: POLICY }),
    res('namedValue', ['db-password'], { displayName: 'db-password', secret: true }),
    res('product', ['legacy'], { displayName: 'Legacy' }),
    res('productPolicy', ['legacy', 'policy'], { format: 'xml', value: POLICY }),
  ]);
  const diff = diffStates(desired, live, {
    prune: true,
    owned: () => true,
    liveSecrets: new Map([[resourceKey('namedValue', ['db-password']), 'an-older-secret']]),
  });
  const count = (action: PlanItem['action']) => diff.items.filter((i) => i.action === action).length;
  return {
    target,
    mode: 'full',
    fromCommit: FROM,
    toCommit: TO,
    items: diff.items,
    summary: { create: count('create'), update: count('update'), delete: count('delete'), unchanged: diff.unchanged },
    warnings: diff.warnings,
  };
}

function emptyTarget(target: string, more: Partial<TargetPlan> = {}): TargetPlan {
  return { target, mode: 'incremental', fromCommit: null, toCommit: null, items: [], summary: { create: 0, update: 0, delete: 0, unchanged: 7 }, warnings: [], ...more };
}

function tagItem(name: string, action: PlanItem['action'] = 'create', more: Partial<PlanItem> = {}): PlanItem {
  return {
    key: resourceKey('tag', [name]),
    kind: 'tag',
    names: [name],
    action,
    level: LEVELS.tag,
    changes: [action === 'delete' ? { path: 'displayName', before: name } : { path: 'displayName', after: name }],
    ...more,
  };
}

/** A target with `n` created tags, each with a policy-sized change so the comment fills up fast. */
function bigTarget(target: string, n: number): TargetPlan {
  const items = Array.from({ length: n }, (_, i) =>
    tagItem(`tag-${String(i).padStart(4, '0')}`, 'create', { changes: [{ path: 'description', after: 'x'.repeat(150) }] }),
  );
  return { ...emptyTarget(target), mode: 'full', items, summary: { create: n, update: 0, delete: 0, unchanged: 3 } };
}

const plan = (...targets: TargetPlan[]): Plan => ({ version: 1, targets });

describe('renderText', () => {
  it('lists each target like a terraform plan, in apply order, without colour codes when colour is off', () => {
    const out = renderText(plan(realisticTarget('westus'), emptyTarget('eastus')), { color: false });
    expect(out).not.toContain('\u001b');
    expect(out).toBe(
      [
        'Target westus (full): 1a2b3c4 → 5d6e7f8',
        '  ~ named value db-password',
        '      value: (secret) → (secret)',
        '  + tag public',
        '      displayName: "Public"',
        '  ~ API pets',
        '      displayName: "Pets" → "Pet store"',
        '      operations:',
        '        + addpet (POST /pets)',
        '  ~ API policy pets',
        '      @@ -1,6 +1,6 @@',
        '       <policies>',
        '         <inbound>',
        '           <base />',
        '      -    <rate-limit calls="10" renewal-period="60" />',
        '      +    <rate-limit calls="20" renewal-period="60" />',
        '         </inbound>',
        '       </policies>',
        '  - product policy legacy (with its parent)',
        '  - product legacy',
        '      displayName: "Legacy"',
        '  westus: 1 to create, 3 to update, 2 to delete, 0 unchanged',
        '  warning: named value missing is secret and has no value: give it one in the target\'s overrides ({#TOKEN#}) or a Key Vault reference; it is not created.',
        '',
        'Target eastus (incremental): (none recorded) → working tree',
        '  eastus: 0 to create, 0 to update, 0 to delete, 7 unchanged (no changes)',
        '',
      ].join('\n'),
    );
  });

  it('colours the symbols and the diff, dims cascaded deletes, and says the same thing once the colour is stripped', () => {
    const p = plan(realisticTarget('westus'));
    const coloured = renderText(p, { color: true });
    expect(coloured).toContain('\u001b[32m+\u001b[39m \u001b[1mtag public\u001b[22m');
    expect(coloured).toContain('\u001b[33m~\u001b[39m');
    expect(coloured).toContain('\u001b[31m-\u001b[39m \u001b[1mproduct legacy');
    expect(coloured).toContain('\u001b[2m  - product policy legacy (with its parent)\u001b[22m');
    expect(coloured).toContain('\u001b[31m-    <rate-limit calls="10" renewal-period="60" />\u001b[39m');
    expect(coloured).toContain('\u001b[32m+    <rate-limit calls="20" renewal-period="60" />\u001b[39m');
    expect(coloured.replace(ANSI, '')).toBe(renderText(p, { color: false }));
  });

  it('says why a refused target gets nothing', () => {
    const out = renderText(plan(emptyTarget('northeurope', { refused: 'the plan deletes 40 of 50 resources', items: [tagItem('a', 'delete')] })), { color: false });
    expect(out).toContain('  refused: the plan deletes 40 of 50 resources\n');
    expect(out).toContain('(refused: nothing will be applied)');
  });

  it('shows property values as compact JSON, cuts long ones with an ellipsis, and adds and removes with (none)', () => {
    const item = tagItem('t', 'update', {
      changes: [
        { path: 'description', before: 'y'.repeat(500), after: { b: [1, 2], a: null } },
        { path: 'terms', after: 'new' },
        { path: 'url', before: 'old' },
      ],
    });
    const out = renderText(plan(emptyTarget('westus', { items: [item] })), { color: false });
    const line = out.split('\n').find((l) => l.includes('description:'))!;
    expect(line).toMatch(/^ {6}description: "y+… → \{"b":\[1,2\],"a":null\}$/);
    expect(line.split(' → ')[0]!.length).toBeLessThanOrEqual(6 + 'description: '.length + 120);
    expect(out).toContain('      terms: (none) → "new"\n');
    expect(out).toContain('      url: "old" → (none)\n');
  });

  it('shows terminal control characters in names and values escaped, never obeyed', () => {
    const out = renderText(plan(emptyTarget('west\u001b[2Jus', { items: [tagItem('evil\u001b]0;owned\u0007\rname')] })), { color: false });
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('tag evil\\u001b]0;owned\\u0007\\u000dname');
  });
});

describe('wantColor', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it.each([
    ['a terminal', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['a stream that does not say', {}, {}, false],
    ['NO_COLOR=1 on a terminal', tty, { NO_COLOR: '1' }, false],
    ['NO_COLOR with any value', tty, { NO_COLOR: 'false' }, false],
    ['an empty NO_COLOR (ignored, as no-color.org says)', tty, { NO_COLOR: '' }, true],
    ['FORCE_COLOR=1 on a pipe', pipe, { FORCE_COLOR: '1' }, true],
    ['an empty FORCE_COLOR on a pipe', pipe, { FORCE_COLOR: '' }, true],
    ['FORCE_COLOR=0 on a terminal', tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', tty, { FORCE_COLOR: 'false' }, false],
    ['NO_COLOR over FORCE_COLOR', pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    ['a dumb terminal', tty, { TERM: 'dumb' }, false],
  ] as const)('%s', (_what, stream, env, expected) => {
    expect(wantColor(stream, env)).toBe(expected);
  });

  it('gives no colour code at all when NO_COLOR is set on a terminal', () => {
    const out = renderText(plan(realisticTarget('westus')), { color: wantColor({ isTTY: true }, { NO_COLOR: '1' }) });
    expect(out).not.toContain('\u001b');
  });
});

describe('renderJson', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(SCHEMA);

  const plans: [string, Plan][] = [
    ['no targets', plan()],
    ['a realistic target (creates, updates, cascaded deletes, a policy diff, operations, secrets, a warning)', plan(realisticTarget('westus'))],
    ['an incremental target with no commits recorded', plan(emptyTarget('eastus'))],
    ['a refused target', plan(emptyTarget('northeurope', { refused: 'mass delete', items: [tagItem('a', 'delete'), tagItem('b', 'delete', { cascade: true })] }))],
    ['several targets', plan(realisticTarget('westus'), realisticTarget('eastus'), bigTarget('centralus', 3))],
  ];

  it.each(plans)('validates against schemas/plan.schema.json: %s', (_what, p) => {
    const json = JSON.parse(renderJson(p)) as unknown;
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json).toEqual(JSON.parse(JSON.stringify(p)));
  });

  it('is a draft 2020-12 schema with the published $id', () => {
    expect(SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(SCHEMA.$id).toBe('https://apiops.dev/schemas/plan.schema.json');
  });

  it('names every kind of the kinds table', () => {
    expect(SCHEMA.$defs.kind.enum).toEqual([...KIND_NAMES]);
  });

  it.each([
    ['another version', { version: 2, targets: [] }],
    ['a secret change that carries a value', plan(emptyTarget('w', { items: [tagItem('a', 'update', { changes: [{ path: 'value', before: '(secret)', after: SECRET, secret: true }] })] }))],
    ['a cascaded create', plan(emptyTarget('w', { items: [tagItem('a', 'create', { cascade: true })] }))],
    ['an unknown kind', plan(emptyTarget('w', { items: [{ ...tagItem('a'), kind: 'widget' as PlanItem['kind'] }] }))],
    ['a property change that changes nothing', plan(emptyTarget('w', { items: [tagItem('a', 'update', { changes: [{ path: 'x' }] })] }))],
    ['a summary without counts', { version: 1, targets: [{ ...emptyTarget('w'), summary: {} }] }],
  ])('rejects %s', (_what, value) => {
    expect(validate(JSON.parse(JSON.stringify(value)))).toBe(false);
  });

  it('is stable: pretty, two-space, the same bytes whatever order the objects were built in', () => {
    const a = plan(emptyTarget('w', { items: [tagItem('a', 'update', { changes: [{ path: 'p', before: { x: 1, y: { b: 2, a: 1 } }, after: null }] })] }));
    const b: Plan = {
      targets: [{ warnings: [], summary: { unchanged: 7, delete: 0, update: 0, create: 0 }, items: [{ changes: [{ after: null, before: { y: { a: 1, b: 2 }, x: 1 }, path: 'p' }], level: LEVELS.tag, action: 'update', names: ['a'], kind: 'tag', key: resourceKey('tag', ['a']) }], toCommit: null, fromCommit: null, mode: 'incremental', target: 'w' }],
      version: 1,
    };
    expect(renderJson(b)).toBe(renderJson(a));
    expect(renderJson(a)).toMatch(/^\{\n {2}"version": 1,\n {2}"targets": \[\n {4}\{\n {6}"target": "w",/);
    expect(renderJson(a).endsWith('}\n')).toBe(true);
  });
});

describe('renderMarkdown', () => {
  it('shows a title, one summary row per target, notices, and a <details> section per target with changes', () => {
    const p = plan(realisticTarget('westus'), emptyTarget('eastus'), emptyTarget('northeurope', { refused: 'the plan deletes 40 of 50 resources' }));
    const md = renderMarkdown(p, { title: 'Plan for #42' });
    expect(md.startsWith('## Plan for #42\n\n| Target | Create | Update | Delete | Unchanged | Status |\n| --- | ---: | ---: | ---: | ---: | --- |\n')).toBe(true);
    expect(md).toContain('| westus | 1 | 3 | 2 | 0 | 📝 changes |\n');
    expect(md).toContain('| eastus | 0 | 0 | 0 | 7 | ✅ no changes |\n');
    expect(md).toContain('| northeurope | 0 | 0 | 0 | 7 | ⛔ refused |\n');
    expect(md).toContain('- ⛔ **northeurope** refused: the plan deletes 40 of 50 resources\n');
    expect(md).toContain('- ⚠️ **westus**: named value missing is secret and has no value');
    expect(md).toContain('<details><summary><b>westus</b> · full · <code>1a2b3c4</code> → <code>5d6e7f8</code></summary>\n\n- **~ update** named value `db-password`\n  - `value`: (secret) → (secret)\n- **+ create** tag `public`\n  - `displayName`: `"Public"`\n');
    expect(md).toContain('- **~ update** API `pets`\n  - `displayName`: `"Pets"` → `"Pet store"`\n  - operations added: `addpet (POST /pets)`\n');
    expect(md).toContain('  ```diff\n  @@ -1,6 +1,6 @@\n');
    expect(md).toContain('  -    <rate-limit calls="10" renewal-period="60" />\n  +    <rate-limit calls="20" renewal-period="60" />\n');
    expect(md).toContain('- _- delete_ product policy `legacy` _(with its parent)_\n');
    expect(md.match(/<details>/g)).toHaveLength(1);
    expect(md.match(/<\/details>/g)).toHaveLength(1);
    expect(md).not.toContain('… ');
  });

  it.each([65_000, 20_000, 5_000, 1_500])('never exceeds maxLength %i, keeps every summary row and says what it left out', (maxLength) => {
    const p = plan(bigTarget('westus', 300), emptyTarget('eastus'), bigTarget('centralus', 300));
    const md = renderMarkdown(p, { maxLength });
    expect(md.length).toBeLessThanOrEqual(maxLength);
    for (const t of ['westus', 'eastus', 'centralus']) expect(md).toMatch(new RegExp(`^\\| ${t} \\|`, 'm'));
    // what is shown is a prefix of the apply order; the notes count exactly the rest
    const shown = (target: string) => {
      const start = md.indexOf(`<summary><b>${target}</b>`);
      if (start < 0) return 0;
      return md.slice(start, md.indexOf('</details>', start)).match(/^- \*\*\+ create\*\*/gm)?.length ?? 0;
    };
    const notes = md.trimEnd().split('\n').filter((l) => l.startsWith('… '));
    const expected = ['westus', 'centralus']
      .map((t) => [t, shown(t)] as const)
      .filter(([, n]) => n < 300)
      .map(([t, n]) => `… ${300 - n}${n > 0 ? ' more' : ''} changes in ${t} not shown (comment size limit); run \`apiops diff --target ${t}\` for all`);
    expect(expected.length).toBeGreaterThan(0);
    expect(notes).toEqual(expected);
    expect(md.endsWith(`${expected.at(-1)}\n`)).toBe(true);
    if (shown('westus') > 0) expect(md).toContain('`tag-0000`');
    // every section it opens, it closes
    expect(md.match(/<details>/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
  });

  it('says exactly "… 37 more changes in westus not shown" when 37 are left out', () => {
    const p = plan(bigTarget('westus', 40));
    const full = renderMarkdown(p, { maxLength: 1_000_000 });
    const chunks = full.split('\n- **+ create**');
    // room for the first three items and the note, not for a fourth
    const withThree = chunks.slice(0, 4).join('\n- **+ create**') + '\n\n</details>\n\n… 37 more changes in westus not shown (comment size limit); run `apiops diff --target westus` for all\n';
    const md = renderMarkdown(p, { maxLength: withThree.length + 10 });
    expect(md.trimEnd().split('\n').at(-1)).toBe('… 37 more changes in westus not shown (comment size limit); run `apiops diff --target westus` for all');
    expect(md.length).toBeLessThanOrEqual(withThree.length + 10);
  });

  it('stays under the limit even when the table alone does not fit', () => {
    const many = plan(...Array.from({ length: 400 }, (_, i) => bigTarget(`region-${i}`, 2)));
    const md = renderMarkdown(many, { maxLength: 5_000 });
    expect(md.length).toBeLessThanOrEqual(5_000);
    expect(md.trimEnd().split('\n').at(-1)).toBe('… the plan is too large to show here; run `apiops diff` for all');
  });

  it('escapes names and values so they cannot break the table, open HTML or mention anyone', () => {
    const hostile = 'a|b`c<img src=x onerror=alert(1)>*d*_e_[f](g)@octocat $x$ ~~s~~';
    const item: PlanItem = { ...tagItem('x'), names: [hostile], changes: [{ path: 'description', after: hostile }, { path: 'p|q', before: 'a`b', after: '<!--' }] };
    const md = renderMarkdown(plan(emptyTarget(`west|<b>us`, { items: [item], warnings: [`tag ${hostile} is odd`], refused: '<script>alert(1)</script>' })));
    const row = md.split('\n').find((l) => l.startsWith('| west'))!;
    expect(row.split('|')).toHaveLength(8);
    expect(md).not.toMatch(/<(img|script|b>us|!--)/);
    expect(md).not.toMatch(/(^|[^`])@octocat/m);
    expect(md).toContain('<code>a&#124;b&#96;c&lt;img src=x onerror=alert(1)&gt;&#42;d&#42;&#95;e&#95;&#91;f&#93;(g)@&#8203;octocat &#36;x&#36; &#126;&#126;s&#126;&#126;</code>');
    expect(escapeMarkdown('x\ny\rz')).toBe('x y z');
  });

  it('fences a policy diff so that no line of the policy can close the fence', () => {
    const item: PlanItem = {
      key: resourceKey('servicePolicy', ['policy']),
      kind: 'servicePolicy',
      names: ['policy'],
      action: 'update',
      level: LEVELS.servicePolicy,
      changes: [],
      policy: { diff: ['@@ -1,1 +1,1 @@', ' ````', '-<x>```</x>', '+<x></details></x>'] },
    };
    const md = renderMarkdown(plan(emptyTarget('westus', { items: [item] })));
    expect(md).toContain('- **~ update** service policy\n  `````diff\n  @@ -1,1 +1,1 @@\n   ````\n  -<x>```</x>\n  +<x></details></x>\n  `````\n');
  });
});

describe('secrets in every rendering', () => {
  it('never prints a secret value, from a real diff', () => {
    const p = plan(realisticTarget('westus'));
    expect(JSON.stringify(p)).not.toContain(SECRET);
    for (const out of [renderText(p, { color: false }), renderText(p, { color: true }), renderJson(p), renderMarkdown(p)]) {
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain('an-older-secret');
      expect(out).toContain('(secret)');
    }
  });

  it('prints (secret) for a change marked secret even if a value slipped into the plan', () => {
    const leaky = plan(emptyTarget('westus', { items: [{ ...tagItem('a', 'update'), kind: 'namedValue', changes: [{ path: 'value', before: SECRET, after: { nested: SECRET }, secret: true }] }] }));
    for (const out of [renderText(leaky, { color: false }), renderJson(leaky), renderMarkdown(leaky)]) {
      expect(out).not.toContain(SECRET);
      expect(out).toContain('(secret)');
    }
    expect(renderText(leaky, { color: false })).toContain('value: (secret) → (secret)');
    expect(renderMarkdown(leaky)).toContain('- `value`: (secret) → (secret)');
  });
});
