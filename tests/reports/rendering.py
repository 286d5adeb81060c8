"""Documents as their readers see them: a DOCX or XLSX rendered to PDF by LibreOffice (headless,
Debian's packages, installed by .ci/run), read back page by page with poppler's pdftotext.

Each rendering has a LibreOffice profile of its own, so that tests on two workers never share one;
a test that needs them is skipped only where LibreOffice is missing outside CI (CI has it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def require_renderer() -> None:
    """Skip outside CI when LibreOffice or poppler is not installed; in CI their absence fails."""
    if SOFFICE and PDFTOTEXT:
        return
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) and poppler-utils (pdftotext) are needed: .ci/run installs them")
    pytest.skip("LibreOffice or pdftotext is not installed")


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    pages: list[str]  # each page's text, in reading order (pdftotext -layout)

    @property
    def count(self) -> int:
        return len(self.pages)

    def page_of(self, text: str) -> int:
        """The 1-based page that first shows ``text``, or 0. Spaces are left out of the comparison:
        pdftotext splits some words whose letters carry Vietnamese marks ("QUÁ H ẠN")."""
        wanted = "".join(text.split())
        for number, page in enumerate(self.pages, start=1):
            if wanted in "".join(page.split()):
                return number
        return 0


def page_title(sheet: Any) -> str | None:
    """The text a sheet prints at the head of each page (its centred header), or None."""
    header = sheet.oddHeader
    return None if header is None or header.center is None else header.center.text


def shows(page: str, text: str) -> bool:
    """Whether ``page`` shows ``text``, spaces left out, as :meth:`Rendered.page_of` compares."""
    return "".join(text.split()) in "".join(page.split())


def render(document: Path, folder: Path) -> Rendered:
    """``document`` (DOCX or XLSX) as a PDF in ``folder``, and its pages' text."""
    require_renderer()
    assert SOFFICE is not None and PDFTOTEXT is not None
    profile = folder / "lo-profile"
    out = folder / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(document),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = out / (document.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), f"LibreOffice could not render {document.name}: {done.stderr}"
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends the last page with a form feed too
    return Rendered(pdf, pages)


def png_pages(rendered: Rendered, folder: Path) -> list[Path]:
    """Each page as a PNG (for a person to look at; kept beside the PDF)."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None
    subprocess.run([pdftoppm, "-png", "-r", "60", str(rendered.pdf), str(folder / rendered.pdf.stem)], check=True)
    return sorted(folder.glob(f"{rendered.pdf.stem}*.png"))
