// The "possible partners" section of a place page: the matcher's first proposals, fetched from
// the JSON twin (/api/places/{id}/partners) once the page is shown, so that a matcher still being
// built never delays the page. Everything from the atlas is inserted as text, never as HTML.
(function () {
  "use strict";
  const section = document.querySelector("section.possible-partners[data-src]");
  if (!section) return;
  const list = section.querySelector("ol.proposals");
  const lang = section.dataset.lang === "en" ? "en" : "fr";
  function item(p) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "/places/" + encodeURIComponent(p.place.id);
    a.textContent = p.place.name;
    li.appendChild(a);
    const facts = document.createElement("span");
    facts.className = "muted";
    const km = p.distance_km === null || p.distance_km === undefined ? "" :
      " · " + Math.round(p.distance_km).toLocaleString(lang) + " km";
    facts.textContent = " " + (p.place.country || "") + km;
    li.appendChild(facts);
    const reasons = document.createElement("ul");
    for (const r of p.reasons.slice(0, 3)) {
      const ri = document.createElement("li");
      ri.textContent = lang === "en" ? r.en : r.fr;
      reasons.appendChild(ri);
    }
    li.appendChild(reasons);
    return li;
  }
  fetch(section.dataset.src, {headers: {"Accept": "application/json"}})
    .then((r) => r.ok ? r.json() : Promise.reject(r.status))
    .then((data) => {
      list.replaceChildren(...data.proposals.map(item));
      for (const n of data.notes || []) {   // what to know about the answer, as text
        const li = document.createElement("li");
        li.className = "note";
        li.textContent = lang === "en" ? n.en : n.fr;
        list.appendChild(li);
      }
      if (!data.proposals.length && !(data.notes || []).length) {
        const li = document.createElement("li");
        li.textContent = section.dataset.none;
        list.appendChild(li);
      }
      section.classList.add("loaded");
    })
    .catch(() => {
      const li = document.createElement("li");
      li.textContent = section.dataset.failed;
      list.replaceChildren(li);
      section.classList.add("failed");
    });
})();
