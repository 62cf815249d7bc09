// The departments' side for tests that are not about reviewing: what a department's own system
// does through the machine route (admin bearer token), so an application whose permits need a
// review reaches its license. Tests about reviewing use the office app instead.

/** Today in the authority's calendar (UTC+8), `YYYY-MM-DD`. */
function authorityToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function machine(server, path, body) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Where application `id` stands (`GET /api/applications/{id}`). */
export async function tracking(server, id) {
  const response = await fetch(`${server.url}/api/applications/${id}`);
  if (!response.ok) throw new Error(`tracking ${id}: ${response.status}`);
  return response.json();
}

/** Every permit of application `id` still under review: an on-site inspection passed where
 *  the catalog asks for one, then approved. Resolves to the tracking answer afterwards. */
export async function grantAll(server, catalog, id) {
  const before = await tracking(server, id);
  for (const permit of before.permits ?? []) {
    if (permit.status !== 'under_review') continue;
    const base = `/api/admin/applications/${id}/permits/${permit.id}`;
    if (catalog.permits.get(permit.id)?.grant?.inspection) {
      await machine(server, `${base}/inspections`, {
        date: authorityToday(), inspector: 'e2e inspector', result: 'passed', note: '',
      });
    }
    await machine(server, `${base}/decision`, { decision: 'approve' });
  }
  return tracking(server, id);
}

/** Sends a decision of a department's system on one permit. */
export function decide(server, id, permit, decision) {
  return machine(server, `/api/admin/applications/${id}/permits/${permit}/decision`, decision);
}
