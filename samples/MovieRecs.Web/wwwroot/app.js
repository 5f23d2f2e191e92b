// The MovieRecs sample page: search titles, pick favourites, get recommendations with explanations and similar
// movies. Plain JavaScript against the service's API; nothing is loaded from elsewhere, and every text from the
// service is set with textContent.
"use strict";

const state = { favourites: [] };
const $ = (id) => document.getElementById(id);

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body && (body.detail || body.title);
    throw new Error(detail || `The service answered ${response.status}.`);
  }
  return body;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function titleBlock(movie) {
  const block = element("span", "title", movie.title);
  if (movie.genres && movie.genres.length > 0) {
    block.append(element("span", "genres", movie.genres.join(", ")));
  }
  return block;
}

function setMessage(node, text, isError) {
  node.textContent = text || "";
  node.classList.toggle("error", Boolean(isError));
  if (isError) node.setAttribute("role", "alert"); else node.removeAttribute("role");
}

// 1. Search.
let searchTimer = 0;
let searchSerial = 0;

async function search(query) {
  const serial = ++searchSerial;
  const list = $("search-results");
  if (query.trim().length === 0) {
    list.replaceChildren();
    setMessage($("search-message"), "");
    return;
  }
  try {
    const result = await api(`movies/search?q=${encodeURIComponent(query)}&count=10`);
    if (serial !== searchSerial) return; // a newer search has been typed meanwhile
    const count = result.movies.length;
    const text = result.outcome === "found" ? "Found 1 movie."
      : result.outcome === "ambiguous" ? `${count} movies fit; pick one.`
      : `No movie is titled '${query}'. ${count > 0 ? "Did you mean one of these?" : ""}`;
    setMessage($("search-message"), text);
    list.replaceChildren(...result.movies.map(searchItem));
  } catch (error) {
    if (serial === searchSerial) setMessage($("search-message"), error.message, true);
  }
}

function searchItem(movie) {
  const item = element("li");
  item.dataset.movieId = movie.movieId;
  const add = element("button", "small add", isFavourite(movie.movieId) ? "Added" : "Add");
  add.type = "button";
  add.disabled = isFavourite(movie.movieId) || !movie.inModel;
  add.setAttribute("aria-label", movie.inModel ? `Add ${movie.title} to favourites` : `${movie.title} is not in the model`);
  add.addEventListener("click", () => addFavourite(movie, add));
  item.append(titleBlock(movie), add);
  return item;
}

// 2. Favourites.
function isFavourite(movieId) {
  return state.favourites.some((f) => f.movieId === movieId);
}

function addFavourite(movie, button) {
  if (isFavourite(movie.movieId)) return;
  state.favourites.push({ movieId: movie.movieId, title: movie.title, genres: movie.genres });
  button.textContent = "Added";
  button.disabled = true;
  renderFavourites();
  $("search-input").focus();
}

function removeFavourite(movieId) {
  state.favourites = state.favourites.filter((f) => f.movieId !== movieId);
  renderFavourites();
  for (const item of $("search-results").children) {
    if (Number(item.dataset.movieId) === movieId) {
      const add = item.querySelector("button.add");
      add.textContent = "Add";
      add.disabled = false;
    }
  }
  const first = $("favourites").querySelector("button");
  (first || $("search-input")).focus();
}

function renderFavourites() {
  const list = $("favourites");
  list.replaceChildren(...state.favourites.map((movie) => {
    const item = element("li");
    item.dataset.movieId = movie.movieId;
    const remove = element("button", "small remove", "Remove");
    remove.type = "button";
    remove.setAttribute("aria-label", `Remove ${movie.title} from favourites`);
    remove.addEventListener("click", () => removeFavourite(movie.movieId));
    item.append(titleBlock(movie), remove);
    return item;
  }));
  const count = state.favourites.length;
  $("favourite-count").textContent = count > 0 ? `(${count})` : "";
  $("favourites-empty").hidden = count > 0;
  $("recommend").disabled = count === 0;
}

// 3. Recommendations, with "because you liked ..." from the explanation of each.
function because(contributions) {
  const liked = contributions.filter((c) => c.score > 0).map((c) => c.title);
  if (liked.length === 0) return "No favourite of yours stands out for this one.";
  const list = liked.length === 1 ? liked[0]
    : `${liked.slice(0, -1).join(", ")} and ${liked[liked.length - 1]}`;
  return `Because you liked ${list}.`;
}

async function recommend() {
  const status = $("recommend-status");
  setMessage(status, "Asking the model…");
  try {
    const result = await api("recommendations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ movieIds: state.favourites.map((f) => f.movieId), count: 10 }),
    });
    const list = $("recommendations");
    list.replaceChildren(...result.recommendations.map((r, i) => {
      const item = element("li");
      item.dataset.movieId = r.movieId;
      const head = element("div", "head");
      const name = element("span", "title");
      name.append(element("span", "rank", `${i + 1}.`), document.createTextNode(r.title));
      head.append(name, element("span", "score", `score ${r.score.toFixed(3)}`));
      const similar = element("button", "small similar", "Similar movies");
      similar.type = "button";
      similar.setAttribute("aria-label", `Movies similar to ${r.title}`);
      similar.addEventListener("click", () => showSimilar(r.movieId, r.title));
      item.append(head, element("p", "because", because(r.because)), similar);
      return item;
    }));
    setMessage(status, `${result.recommendations.length} movies for ${result.liked.length} favourites.`);
  } catch (error) {
    setMessage(status, error.message, true);
  }
}

async function showSimilar(movieId, title) {
  const panel = $("similar-panel");
  panel.hidden = false;
  $("similar-heading").textContent = `Similar to ${title}`;
  const list = $("similar");
  try {
    const result = await api(`movies/${movieId}/similar?count=7`);
    list.replaceChildren(...result.similar.filter((s) => s.movieId !== movieId).map((s) => {
      const item = element("li");
      item.append(element("span", "title", s.title), element("span", "score", `similarity ${s.score.toFixed(3)}`));
      return item;
    }));
  } catch (error) {
    list.replaceChildren(element("li", "message error", error.message));
  }
  panel.focus();
}

async function showModel() {
  try {
    const health = await api("health");
    const m = health.model;
    $("model-status").textContent = `Model version ${m.version}: ${m.users.toLocaleString("en")} users, ${m.movies.toLocaleString("en")} movies, ${m.factors} factors.`;
  } catch (error) {
    setMessage($("model-status"), error.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    search($("search-input").value);
  });
  $("search-input").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    const query = event.target.value;
    searchTimer = setTimeout(() => search(query), 250);
  });
  $("recommend").addEventListener("click", recommend);
  renderFavourites();
  showModel();
});
