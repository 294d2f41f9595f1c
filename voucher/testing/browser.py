"""Helpers for the browser tests (Playwright): logging in, screenshots for the guides, accessibility checks,
files to upload."""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page, name: str) -> None:
    """Save a screenshot for the user guides (docs/screenshots/<name>.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/workbench/")


def assert_labelled_and_fits(page) -> None:
    """Accessibility and phone basics: every visible field has a label; nothing scrolls sideways."""
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]):not([type=submit]), select, textarea')]
            .filter(el => el.offsetParent !== null)
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name)"""
    )
    assert unlabelled == [], f"fields without a label: {unlabelled}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the screen"


def field(page, name: str):
    """The form control called ``name`` (labels with a trailing “*” make label lookups ambiguous)."""
    return page.locator(f"main [name={name}]")


def switch_user(page, base_url: str, username: str, password: str) -> None:
    """Drop the current session and log in as someone else in the same browser window."""
    page.context.clear_cookies()
    login(page, base_url, username, password)


def assert_error_next_to(page, name: str, text: str) -> None:
    """The error message sits inside the same field block as the control it is about."""
    block = page.locator(f"main .field:has([name={name}])").first
    assert block.locator(".error, .errorlist").count() > 0, f"no error shown next to {name}"
    assert text in block.inner_text(), block.inner_text()
    # Announced: the control is marked invalid and described by the error text (screen readers read it).
    control = block.locator(f"[name={name}]").first
    if control.get_attribute("type") not in ("checkbox", "radio"):
        assert control.get_attribute("aria-invalid") == "true", f"{name} is not marked invalid"
        described = (control.get_attribute("aria-describedby") or "").split()
        errors = [page.locator(f"[id='{ident}']") for ident in described if ident.endswith("_error")]
        assert errors and text in errors[0].inner_text(), f"{name} is not described by its error"


def tiny_pdf(text: str) -> bytes:
    """A small, valid one-page PDF (fpdf2) with one line of Latin text, for any slot that takes a PDF."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def pdf_file(name: str) -> dict[str, object]:
    """An in-memory file for ``set_input_files``."""
    return {
        "name": name,
        "mimeType": "application/pdf",
        "buffer": tiny_pdf("Test document for the voucher platform"),
    }


def viewport_screenshot(page, name: str) -> None:
    """A screenshot of what is on screen only, for long pages (keeps the PNG small)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
