// textkit: a small text library, shipped the way bundlers ship one (a single ES module
// with no imports), for the embedding example. It renders a Markdown subset to HTML and
// summarises prose.
//
//   render(markdown)  -> HTML string
//   summarize(text)   -> { words, sentences, readingSeconds, topWords }
//   slugify(heading)  -> "a-url-fragment"
//
// Markdown subset: ATX headings (# .. ######, with an id from slugify), paragraphs,
// "-"/"*" and "1." lists, "> " quotes, "---" rules, ``` fenced code; inline `code`,
// **strong**, *emphasis* and [links](url). Link targets other than http(s):, mailto: and
// relative ones are dropped (no javascript: URLs). Everything else is escaped text.

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

export function slugify(heading) {
  return String(heading)
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function safeHref(url) {
  const trimmed = url.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return null;  // another scheme
  return trimmed;
}

// Inline markup of one line of text. Code spans first: nothing inside them is markup.
function renderInline(text) {
  const parts = text.split(/(`[^`]+`)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      let html = escapeHtml(part);
      html = html.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label, url) => {
        const href = safeHref(url.replace(/&amp;/g, "&"));
        return href === null ? label : `<a href="${escapeHtml(href)}">${label}</a>`;
      });
      html = html.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
      html = html.replace(/\*([^*]+)\*/g, "<em>$1</em>");
      return html;
    })
    .join("");
}

const BLOCK_RULES = [
  { kind: "fence", test: (line) => line.startsWith("```") },
  { kind: "heading", test: (line) => /^#{1,6} /.test(line) },
  { kind: "rule", test: (line) => /^-{3,}\s*$/.test(line) },
  { kind: "quote", test: (line) => line.startsWith("> ") || line === ">" },
  { kind: "bullet", test: (line) => /^[-*] /.test(line) },
  { kind: "ordered", test: (line) => /^\d+\. /.test(line) },
];

function blockKind(line) {
  if (line.trim() === "") return "blank";
  const rule = BLOCK_RULES.find((r) => r.test(line));
  return rule ? rule.kind : "paragraph";
}

export function render(markdown) {
  if (typeof markdown !== "string") {
    throw new TypeError(`render: expected a string, received ${typeof markdown}`);
  }
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const kind = blockKind(line);
    if (kind === "blank") {
      i++;
    } else if (kind === "fence") {
      const language = line.slice(3).trim();
      const body = [];
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) body.push(lines[i]);
      i++;  // the closing fence (or the end)
      const attr = language ? ` class="language-${escapeHtml(language)}"` : "";
      out.push(`<pre><code${attr}>${escapeHtml(body.join("\n"))}</code></pre>`);
    } else if (kind === "heading") {
      const level = line.indexOf(" ");
      const text = line.slice(level + 1).trim();
      out.push(`<h${level} id="${slugify(text)}">${renderInline(text)}</h${level}>`);
      i++;
    } else if (kind === "rule") {
      out.push("<hr>");
      i++;
    } else if (kind === "quote") {
      const body = [];
      for (; i < lines.length && blockKind(lines[i]) === "quote"; i++) {
        body.push(lines[i].replace(/^> ?/, ""));
      }
      out.push(`<blockquote>${render(body.join("\n"))}</blockquote>`);
    } else if (kind === "bullet" || kind === "ordered") {
      const items = [];
      for (; i < lines.length && blockKind(lines[i]) === kind; i++) {
        items.push(`<li>${renderInline(lines[i].replace(/^([-*]|\d+\.) /, ""))}</li>`);
      }
      const tag = kind === "bullet" ? "ul" : "ol";
      out.push(`<${tag}>${items.join("")}</${tag}>`);
    } else {
      const body = [];
      for (; i < lines.length && blockKind(lines[i]) === "paragraph"; i++) body.push(lines[i].trim());
      out.push(`<p>${renderInline(body.join(" "))}</p>`);
    }
  }
  return out.join("\n");
}

const STOP_WORDS = new Set(
  ("a an and are as at be but by for from has have in is it its of on or that the this to " +
   "was were will with").split(" "),
);

// Words per minute of an adult reading silently (a common estimate).
const WORDS_PER_MINUTE = 238;

export function summarize(text) {
  if (typeof text !== "string") {
    throw new TypeError(`summarize: expected a string, received ${typeof text}`);
  }
  // Words are runs of letters and digits, with inner apostrophes ("don't").
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu) ?? [];
  const sentences = text.split(/[.!?]+(?:\s|$)/).filter((s) => s.trim() !== "").length;
  const counts = new Map();
  for (const word of words) {
    if (!STOP_WORDS.has(word) && word.length > 2) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const topWords = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([word]) => word);
  return {
    words: words.length,
    sentences,
    readingSeconds: Math.ceil((words.length / WORDS_PER_MINUTE) * 60),
    topWords,
  };
}
