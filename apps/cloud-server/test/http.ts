/** One JSON call to a cloud server under test, as a bearer key; the body read back (null if none). */
export async function callApi(base: string, route: string, key: string, method = 'GET', body?: unknown) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: responses are read field by field
  const json: any = await res.json().catch(() => null);
  return { status: res.status, body: json };
}
