namespace Orchestrator.Api.OpenApi;

/// <summary>The browsable API reference: one self-contained page (inline CSS and script, no CDN) that reads /openapi/v1.json.</summary>
internal static class ReferencePage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Orchestrator API reference</title>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans SC", sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d3557; color: #fff; padding: 14px 24px; }
  header h1 { margin: 0; font-size: 20px; }
  header p { margin: 4px 0 0; opacity: .85; }
  main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; }
  h2 { margin: 28px 0 8px; font-size: 17px; border-bottom: 1px solid #d5d9e0; padding-bottom: 4px; }
  details.op { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; margin: 6px 0; }
  details.op > summary { cursor: pointer; padding: 8px 12px; list-style: none; display: flex; gap: 10px; align-items: baseline; }
  details.op > summary::-webkit-details-marker { display: none; }
  .m { font: 600 12px ui-monospace, monospace; padding: 2px 8px; border-radius: 4px; color: #fff; min-width: 56px; text-align: center; }
  .GET { background: #2a7ab0; } .POST { background: #2f8f4e; } .DELETE { background: #b23a3a; } .PUT, .PATCH { background: #a86b13; }
  .path { font: 13px ui-monospace, monospace; }
  .sum { color: #4a5363; }
  .body { padding: 4px 16px 12px; border-top: 1px solid #eceef2; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceef2; vertical-align: top; }
  th { font-weight: 600; color: #4a5363; }
  code, pre { font: 12px ui-monospace, monospace; }
  pre { background: #f3f4f7; padding: 8px; border-radius: 4px; overflow: auto; margin: 4px 0; }
  .lock { color: #8a5a00; font-size: 12px; }
  .err { color: #b23a3a; }
  input { font: inherit; padding: 3px 6px; }
</style>
</head>
<body>
<header>
  <h1 id="title">Orchestrator API reference</h1>
  <p id="description">Loading /openapi/v1.json…</p>
</header>
<main>
  <p>Raw document: <a id="raw" href="/openapi/v1.json">/openapi/v1.json</a>.
     Every route except <code>GET /health</code> needs an API key in the header <code>x-functions-key</code> (or <code>?code=</code>).</p>
  <div id="ops"></div>
</main>
<script>
(function () {
  "use strict";
  const code = new URLSearchParams(location.search).get("code");
  const docUrl = "/openapi/v1.json" + (code ? "?code=" + encodeURIComponent(code) : "");
  document.getElementById("raw").href = docUrl;
  const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  let doc;
  const resolve = s => {
    let guard = 0;
    while (s && s.$ref && guard++ < 20) {
      const name = s.$ref.split("/").pop();
      s = (doc.components && doc.components.schemas || {})[name] || {};
    }
    return s || {};
  };
  const refName = s => s && s.$ref ? s.$ref.split("/").pop() : null;
  const typeOf = s => {
    const r = resolve(s);
    let t = Array.isArray(r.type) ? r.type.filter(x => x !== "null").join("|") : (r.type || (r.properties ? "object" : ""));
    if (t === "array") return "array of " + typeOf(r.items || {});
    if (r.enum) return (t || "string") + " (" + r.enum.filter(x => x !== null).join(", ") + ")";
    if (r.format) t += " (" + r.format + ")";
    return (refName(s) && t === "object" ? refName(s) : t) || "any";
  };
  const shape = (s, depth, seen) => {
    const r = resolve(s);
    const name = refName(s);
    if (depth > 4 || (name && seen.includes(name))) return '"…"';
    const next = name ? seen.concat([name]) : seen;
    const pad = "  ".repeat(depth + 1), end = "  ".repeat(depth);
    if (r.type === "array" || (Array.isArray(r.type) && r.type.includes("array"))) return "[ " + shape(r.items || {}, depth, next) + " ]";
    if (r.properties) {
      const lines = Object.entries(r.properties).map(([k, v]) => pad + JSON.stringify(k) + ": " + shape(v, depth + 1, next));
      return "{\n" + lines.join(",\n") + "\n" + end + "}";
    }
    return '"' + typeOf(s) + '"';
  };
  const render = () => {
    document.getElementById("title").textContent = (doc.info && doc.info.title || "API") + " " + (doc.info && doc.info.version || "");
    document.getElementById("description").textContent = doc.info && doc.info.description || "";
    const byTag = new Map();
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const method of ["get", "post", "put", "patch", "delete"]) {
        const op = item[method];
        if (!op) continue;
        const tag = (op.tags && op.tags[0]) || "Other";
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push({ path, method: method.toUpperCase(), op, shared: item.parameters || [] });
      }
    }
    let html = "";
    for (const [tag, ops] of byTag) {
      html += "<h2>" + esc(tag) + "</h2>";
      for (const { path, method, op, shared } of ops) {
        const open = op.security && op.security.length === 0 ? "" : ' <span class="lock" title="needs an API key">key</span>';
        html += '<details class="op" id="' + esc(op.operationId || method + path) + '"><summary><span class="m ' + method + '">' + method + '</span>'
          + '<span class="path">' + esc(path) + "</span>" + open + '<span class="sum">' + esc(op.summary || "") + "</span></summary><div class=\"body\">";
        if (op.description) html += "<p>" + esc(op.description) + "</p>";
        const params = shared.concat(op.parameters || []);
        if (params.length) {
          html += "<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr>";
          for (const p of params) html += "<tr><td><code>" + esc(p.name) + "</code></td><td>" + esc(p.in) + "</td><td>" + esc(typeOf(p.schema || {}))
            + "</td><td>" + (p.required ? "yes" : "no") + "</td><td>" + esc(p.description || "") + "</td></tr>";
          html += "</table>";
        }
        const body = op.requestBody && op.requestBody.content;
        if (body) {
          for (const [type, media] of Object.entries(body)) {
            html += "<p><b>Request body</b> <code>" + esc(type) + "</code> " + esc(refName(media.schema) || "") + "</p><pre>" + esc(shape(media.schema || {}, 0, [])) + "</pre>";
          }
        }
        html += "<table><tr><th>Status</th><th>Description</th><th>Body</th></tr>";
        for (const [status, resp] of Object.entries(op.responses || {})) {
          const content = resp.content || {};
          const types = Object.entries(content).map(([t, m]) => "<code>" + esc(t) + "</code> " + esc(refName(m.schema) || typeOf(m.schema || {}))).join("<br>");
          html += "<tr><td>" + esc(status) + "</td><td>" + esc(resp.description || "") + "</td><td>" + types + "</td></tr>";
        }
        html += "</table></div></details>";
      }
    }
    document.getElementById("ops").innerHTML = html;
  };
  fetch(docUrl, { headers: { "Accept": "application/json" } })
    .then(r => r.ok ? r.json() : r.text().then(t => { throw new Error(r.status + " " + t); }))
    .then(d => { doc = d; render(); })
    .catch(e => { document.getElementById("description").innerHTML = '<span class="err">Could not read the OpenAPI document: ' + esc(e.message) + "</span>"; });
})();
</script>
</body>
</html>
""";
}
