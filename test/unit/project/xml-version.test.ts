import { strict as assert } from 'node:assert';
import { compareVersions, highestInRange, inRange, parseVersionSpec } from '../../../src/project/maven-version';
import { parsePom } from '../../../src/project/pom';
import { parseXml, textAt } from '../../../src/project/xml';

describe('project: XML reader', () => {
  it('reads namespaces, comments, CDATA, entities and attributes', () => {
    const doc = parseXml(`<?xml version="1.0"?>
<!DOCTYPE project [ <!ENTITY x "y"> ]>
<m:project xmlns:m="urn:m" a='1'>
  <!-- <version>9</version> is a comment -->
  <m:version>1.0</m:version>
  <name><![CDATA[a <b> & c]]></name>
  <desc>x &amp; y &lt; &#65;&#x42;</desc>
  <empty/>
</m:project>`);
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.root?.name, 'project');
    assert.equal(doc.root?.attrs.a, '1');
    assert.equal(textAt(doc.root, 'version'), '1.0');
    assert.equal(doc.root?.children.filter((c) => c.name === 'version').length, 1);
    assert.equal(textAt(doc.root, 'name'), 'a <b> & c');
    assert.equal(textAt(doc.root, 'desc'), 'x & y < AB');
    assert.equal(textAt(doc.root, 'empty'), undefined);
  });

  it('never throws on malformed input and says where it broke', () => {
    for (const bad of ['', '<', '<a><b></a>', '<a>', '</a>', '<!-- open', '<![CDATA[ x', '<a b=">', '<a></b></a>', '\u0000<a>&#99999999;</a>']) {
      const doc = parseXml(bad);
      assert.ok(Array.isArray(doc.errors), bad);
    }
    assert.match(parseXml('<a><b></a>').errors.join(), /<b> not closed before <\/a>/);
    assert.match(parseXml('<a>').errors.join(), /unclosed element <a>/);
    assert.match(parseXml('').errors.join(), /no root element/);
  });

  it('a file that is not a pom comes back with a message naming it', () => {
    const pom = parsePom('<settings/>', '/x/pom.xml');
    assert.match(pom.errors.join(), /\/x\/pom.xml: not a Maven pom/);
    assert.deepEqual(pom.dependencies, []);
  });
});

describe('project: Maven versions and ranges', () => {
  it('orders versions as Maven does', () => {
    const sorted = ['1.10', '1.2', '1.0-alpha-1', '1.0-beta', '1.0-rc1', '1.0-SNAPSHOT', '1.0', '1.0-sp1', '1.0.1', '2'].sort(compareVersions);
    assert.deepEqual(sorted, ['1.0-alpha-1', '1.0-beta', '1.0-rc1', '1.0-SNAPSHOT', '1.0', '1.0-sp1', '1.0.1', '1.2', '1.10', '2']);
    assert.equal(compareVersions('1.0', '1'), 0);
    assert.equal(compareVersions('1.0.0.Final', '1'), 0);
    assert.ok(compareVersions('5.10.0', '5.9.3') > 0);
  });

  it('parses ranges and picks the highest version inside', () => {
    const spec = parseVersionSpec('[1.0,2.0)');
    assert.ok(inRange('1.0', spec) && inRange('1.9.9', spec) && !inRange('2.0', spec) && !inRange('0.9', spec));
    assert.equal(highestInRange(['1.0', '1.5', '2.0', '0.5'], spec), '1.5');
    assert.equal(highestInRange(['1.0', '1.5'], parseVersionSpec('[1.5]')), '1.5');
    assert.equal(highestInRange(['1.0', '3.0'], parseVersionSpec('(,1.0],[2.0,)')), '3.0');
    assert.equal(highestInRange(['1.0', '3.0'], parseVersionSpec('(1.0,3.0)')), undefined);
    assert.equal(parseVersionSpec('1.2').soft, '1.2');
    assert.match(parseVersionSpec('[1.0,2.0,3.0]').error ?? '', /malformed version range/);
  });
});
