/**
 * Class 14 of issue #11 (the parts outside media paths and uploads, which
 * tests/security/originals.test.ts and uploads.test.ts cover): malformed
 * input answers 4xx with a clear message, never a 500 or broken XML.
 */
import { describe, expect, it } from 'vitest';
import { attack, idOfSlug, signIn } from './client';

async function actionIdOf(session: string, id: string): Promise<string> {
  const page = await (await attack(`/studio/records/${id}`, { session })).text();
  return /name="\$ACTION_ID_([0-9a-f]+)"/.exec(page)![1]!;
}

describe('malformed input', () => {
  it('answers a server action whose body cannot be parsed with 400, not 500', async () => {
    const session = await signIn('admin');
    const id = await idOfSlug('le-mung-lua-moi-ca-dong'); // a draft: the admin sees its forms
    const action = await actionIdOf(session, id);
    const bodies: [string, string][] = [
      ['text/plain;charset=UTF-8', '{{{ not the reply format'],
      ['multipart/form-data; boundary=zzz', 'garbage with no boundary at all'],
      ['multipart/form-data', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1'],
    ];
    for (const [type, body] of bodies) {
      const response = await attack(`/studio/records/${id}`, { method: 'POST', session, headers: { 'content-type': type, 'next-action': action }, body });
      expect(response.status, `${type}: ${body}`).toBe(400);
      expect(await response.text()).toMatch(/không đọc được/);
    }
  });

  it('keeps OAI-PMH answers well-formed whatever the arguments hold, and does not echo bad arguments', async () => {
    for (const query of ['verb=GetRecord&identifier=%00&metadataPrefix=oai_dc', 'verb=GetRecord&identifier=oai:x:%01%02&metadataPrefix=oai_dc', 'verb=ListRecords&metadataPrefix=oai%20dc', 'verb=%00', 'verb=ListSets&resumptionToken=%EF%BF%BE']) {
      const response = await attack(`/oai?${query}`);
      expect(response.status, query).toBe(200);
      const xml = await response.text();
      // XML 1.0 cannot hold C0 controls other than tab, LF and CR: one would make the whole answer unreadable.
      expect(xml, query).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
      expect(xml, query).toMatch(/<error code="(badArgument|badVerb|idDoesNotExist|cannotDisseminateFormat|badResumptionToken)"/);
      // For badVerb and badArgument the protocol wants the bare base URL in <request>, no attributes.
      if (/code="(badArgument|badVerb)"/.test(xml)) expect(xml, query).toMatch(/<request>[^<]+<\/request>/);
    }
  });

  it('answers unknown JSON API paths with problem JSON, not an HTML page', async () => {
    for (const path of ['/api/v1/nope', '/api/v1/records/x/y/z', '/api/v1/records/search/deeper']) {
      const response = await attack(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toContain('application/problem+json');
      expect(((await response.json()) as { status: number }).status).toBe(404);
    }
  });
});
