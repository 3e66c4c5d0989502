// The mapping table of targets/settings.ts is complete and is what docs/mta-targets.md shows.
// Completeness is checked against the published contract, runtime/config/schema.json: a
// field added there (a new setting) without a row fails here, naming the field, so that no
// translation can silently leave a setting out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MTA_DOCS_PATH, NOT_SETTING_PROPERTIES, NOT_SETTINGS, SETTING_ROWS, updateMtaDocs } from '../../targets/index.js';

interface SchemaDefinition {
  properties?: Record<string, unknown>;
}
const schema = JSON.parse(readFileSync('runtime/config/schema.json', 'utf8')) as { $defs: Record<string, SchemaDefinition> };

/** Every `<definition>.<property>` of the schema that is a setting. */
function schemaFields(): string[] {
  return Object.entries(schema.$defs).flatMap(([definition, { properties }]) =>
    Object.keys(properties ?? {})
      .filter((property) => !NOT_SETTING_PROPERTIES.includes(property))
      .map((property) => `${definition}.${property}`));
}

/** A row's field: its setting without the ` (refinement)`. */
function fieldOf(setting: string): string {
  return setting.replace(/ \(.*\)$/, '');
}

describe('the MTA mapping table (targets/settings.ts)', () => {
  it('has a row for every field of runtime/config/schema.json, or says why the field is not a setting', () => {
    const covered = new Set(SETTING_ROWS.map((row) => fieldOf(row.setting)));
    const missing = schemaFields().filter((field) => !covered.has(field) && NOT_SETTINGS[field] === undefined);
    assert.deepEqual(missing, [], `fields without a row in targets/settings.ts (add one: see "Adding a setting" in ${MTA_DOCS_PATH}): ${missing.join(', ')}`);
  });

  it('names only fields the schema has', () => {
    const fields = new Set(schemaFields());
    const unknown = [...SETTING_ROWS.map((row) => fieldOf(row.setting)), ...Object.keys(NOT_SETTINGS)].filter((field) => !fields.has(field));
    assert.deepEqual(unknown, []);
  });

  it('has one row per setting, and none both a row and "not a setting"', () => {
    const settings = SETTING_ROWS.map((row) => row.setting);
    assert.equal(new Set(settings).size, settings.length);
    assert.deepEqual(settings.filter((s) => NOT_SETTINGS[s] !== undefined), []);
  });

  it('explains every approximate or unsupported mapping', () => {
    for (const row of SETTING_ROWS) {
      for (const [target, mapping] of Object.entries(row.targets)) {
        if (mapping.fidelity !== 'exact') assert.ok(mapping.note, `${row.setting} → ${target} is ${mapping.fidelity} without a note saying what differs`);
      }
    }
  });

  it(`${MTA_DOCS_PATH} holds the generated table (run npm run generate)`, () => {
    const page = readFileSync(MTA_DOCS_PATH, 'utf8');
    assert.equal(page, updateMtaDocs(page));
  });
});
