// The upload page's only script (served from the registry, no external assets): it sends the
// office's token as a header, never in a URL, and offers what comes back as a download or as text.
"use strict";
(function () {
  const form = document.getElementById("upload");
  const out = document.getElementById("answer");
  const lang = document.documentElement.lang || "vi";

  function headers() {
    return {
      "Authorization": "Bearer " + document.getElementById("token").value.trim(),
      "X-Purpose": "worker-registration",
      "Accept-Language": lang,
    };
  }

  function offer(blob, name) {
    const link = document.getElementById("download");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.hidden = false;
  }

  async function show(response, name) {
    const type = response.headers.get("content-type") || "";
    if (type.indexOf("spreadsheetml") >= 0) {
      offer(await response.blob(), name);
      out.textContent = ["X-Import-Rows", "X-Import-Valid", "X-Import-Errors", "X-Import-Registered"]
        .map((h) => h.slice(9) + ": " + (response.headers.get(h) || "-")).join("\n");
    } else {
      out.textContent = JSON.stringify(await response.json(), null, 2);
    }
  }

  document.getElementById("template").addEventListener("click", async function () {
    await show(await fetch("/imports/workers/template.xlsx?lang=" + lang, { headers: headers() }),
      "workers-template.xlsx");
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const file = document.getElementById("file").files[0];
    if (!file) return;
    const body = new FormData();
    body.append("file", file);
    const query = new URLSearchParams({ lang: lang });
    if (document.getElementById("dry").checked) query.set("dryRun", "true");
    if (document.getElementById("partial").checked) query.set("partial", "true");
    if (document.getElementById("marked").checked) query.set("format", "xlsx");
    out.textContent = "…";
    await show(await fetch("/imports/workers?" + query, { method: "POST", headers: headers(), body: body }),
      "checked-" + file.name);
  });
})();
