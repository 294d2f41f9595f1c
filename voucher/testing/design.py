"""The design checks of the browser tests: which pages a role reaches, axe-core's verdict, tap targets and
sideways scrolling measured in the browser."""

from __future__ import annotations

import io
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

from django.test import Client

from voucher.testing.browser import SCREENSHOTS
from voucher.testing.pages import page_name, plain_pages, read_page

AXE = Path(__file__).resolve().parents[2] / "tests" / "e2e" / "vendor" / "axe-core" / "axe.min.js"
TAP = 44  # px, WCAG 2.5.5 (AAA) and both platforms' guidelines for touch targets


def role_pages(client: Client, limit: int = 60) -> dict[str, str]:
    """One HTML page per view a user reaches: the URL conf's plain pages and the pages their links lead to
    (view name → path), in the order found."""
    found: dict[str, str] = {}
    seen: set[str] = set()
    queue = deque(plain_pages())
    while queue and len(found) < limit:
        path = queue.popleft()
        name = page_name(path)
        if path in seen or name is None or name in found:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found[name] = path
        _forms, links = read_page(response.content.decode())
        for link in links:
            target = urlsplit(link)
            if not target.netloc and target.path.startswith("/"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts on the page (the context must bypass the page's CSP)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 2).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120))}))"
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in results if v["impact"] in impacts]


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


SMALL_TARGETS = """(tap) => {
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    return !!block && block.innerText.trim().length > el.innerText.trim().length + 1;
  };
  const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const out = [];
  const targets = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]');
  for (const el of targets) {
    if (!shown(el) || el.closest('[inert], [aria-hidden=true]')) continue;
    let r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // visually hidden until focused (the skip link)
    if (el.tagName === 'A' && inSentence(el)) continue;  // a link inside running text (WCAG 2.5.8 exception)
    if (el.type === 'checkbox' || el.type === 'radio') {
      const box = el.closest('.form-check, label') || (el.labels && el.labels[0]);
      if (box) r = box.getBoundingClientRect();
    }
    if (r.width < tap - 0.5 || r.height < tap - 0.5) {
      const name = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30);
      out.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return out;
}"""


def small_tap_targets(page) -> list[str]:
    """The visible controls smaller than 44 × 44 px (links inside a sentence excepted)."""
    return page.evaluate(SMALL_TARGETS, TAP)


def compact_screenshot(page, name: str) -> None:
    """What is on screen, saved as docs/screenshots/<name>.png in 128 colours (a third of the size, the text
    as sharp): one is kept for every page of every role at two sizes."""
    from PIL import Image

    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        SCREENSHOTS / f"{name}.png", optimize=True
    )
