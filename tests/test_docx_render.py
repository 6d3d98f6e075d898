"""A rendered page of each DOCX compared against expected text positions (not pixels), as
issue 17 asks of every document: LibreOffice (Debian's `libreoffice-writer-nogui`, which
`.ci/run` installs; a missing one fails in CI and skips elsewhere, as PostgreSQL does) lays
out the DOCX the bot sends — with the project's shipped Liberation Serif standing in for
Times New Roman, as on a machine without it — and PDFium reads the text boxes back. The
positions are the ones the PDF is held to (tests/test_protocol_render.py): the same margins,
indent, title, quorum line, signatures and page numbers."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from documents import plan as plan_docx
from documents.fonts import FONT_DIR
from documents.preview import SAMPLE
from documents.protocol import docx_bytes
from tests.conftest import IN_CI
from tests.test_plan_documents import sample as plan_sample
from tests.test_protocol_layout import long_content
from tests.test_protocol_render import BOTTOM, LEFT, MM, PAGE_H, PAGE_W, RIGHT, TOP, boxes

pypdfium2 = pytest.importorskip("pypdfium2")

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None:
    if IN_CI:
        pytest.fail("LibreOffice (soffice) is missing — required in CI", pytrace=False)
    pytest.skip("LibreOffice (soffice) is not installed", allow_module_level=True)

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
  <alias binding="same">
    <family>Times New Roman</family><accept><family>Liberation Serif</family></accept>
  </alias>
</fontconfig>
"""


def rendered(tmp: Path, files: dict[str, bytes]) -> dict[str, Any]:
    """The PDFs LibreOffice makes of the DOCX files, by name: one run for all of them."""
    for name, data in files.items():
        (tmp / f"{name}.docx").write_bytes(data)
    conf = tmp / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=FONT_DIR, cache=tmp / "fontcache"), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(tmp)}
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            *(str(tmp / f"{name}.docx") for name in files),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=180,
    )
    return {name: pypdfium2.PdfDocument(tmp / f"{name}.pdf") for name in files}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    found = rendered(
        tmp_path_factory.mktemp("docx"),
        {
            "sample": docx_bytes(SAMPLE),
            "long": docx_bytes(long_content()),
            "plan": plan_docx.docx_bytes(plan_sample()),
        },
    )
    yield found
    for document in found.values():
        document.close()


def text_above(page: Any, height: float) -> str:
    """The text whose boxes reach above `height` points from the bottom of the page."""
    textpage = page.get_textpage()
    return "".join(
        textpage.get_text_range(i, 1)
        for i in range(textpage.count_chars())
        if textpage.get_charbox(i)[3] > height and not textpage.get_text_range(i, 1).isspace()
    )


def test_page_one_of_the_protocol_docx_where_the_form_puts_it(pdfs: dict[str, Any]) -> None:
    page = pdfs["sample"][0]
    assert (round(page.get_width()), round(page.get_height())) == (595, 842)
    title = boxes(page, "ПРОТОКОЛ № 3")
    middle = (LEFT + RIGHT) / 2
    assert abs((title[0] + title[2]) / 2 - middle) < 2 * MM  # centred between the margins
    assert PAGE_H - TOP - 10 * MM < title[3] <= PAGE_H - TOP + 1 * MM  # on the first line
    place = boxes(page, "г. Артёмовский")
    assert place[3] < title[1] and abs((place[0] + place[2]) / 2 - middle) < 2 * MM
    topic = boxes(page, "Тема:")
    assert abs(topic[0] - (LEFT + 12.5 * MM)) < 1 * MM  # the 1.25 cm first-line indent
    quorum = boxes(page, "Присутствовали: 9 из 12")
    assert abs(quorum[0] - LEFT) < 1 * MM and quorum[3] < topic[1]
    heard = boxes(page, "СЛУШАЛИ:")
    assert abs(heard[0] - (LEFT + 12.5 * MM)) < 1 * MM
    assert text_above(page, PAGE_H - TOP + 1 * MM) == ""  # no number on page one
    textpage = page.get_textpage()
    for i in range(textpage.count_chars()):
        if textpage.get_text_range(i, 1).isspace():
            continue
        left, bottom, right, _top = textpage.get_charbox(i)
        assert left >= LEFT - 1 * MM and right <= RIGHT + 1 * MM, textpage.get_text_range(i, 1)
        assert bottom >= BOTTOM - 1 * MM


def test_page_two_of_the_protocol_docx_numbered_at_the_top_centre(pdfs: dict[str, Any]) -> None:
    document = pdfs["long"]
    assert len(document) >= 2
    assert text_above(document[0], PAGE_H - TOP + 1 * MM) == ""
    page = document[1]
    textpage = page.get_textpage()
    [number] = [
        textpage.get_charbox(i)
        for i in range(textpage.count_chars())
        if textpage.get_charbox(i)[1] > PAGE_H - TOP and not textpage.get_text_range(i, 1).isspace()
    ]
    assert abs((number[0] + number[2]) / 2 - (LEFT + RIGHT) / 2) < 3 * MM
    assert text_above(page, PAGE_H - TOP) == "2"


def test_the_protocol_docx_signatures_on_one_line_with_the_text_above(
    pdfs: dict[str, Any],
) -> None:
    document = pdfs["sample"]
    page = document[len(document) - 1]
    signature = boxes(page, "Руководитель РМО")
    name = boxes(page, "Е.В. Смирнова")
    keeper = boxes(page, "М.П. Иванова")
    assert abs(signature[1] - name[1]) < 1  # position and name on one line
    assert abs(signature[0] - LEFT) < 1 * MM and name[2] <= RIGHT + 1 * MM
    assert keeper[3] < name[1]
    decision = boxes(page, "Утвердить график")  # the last text, on the same page, above
    assert decision[1] > signature[3]
    long = pdfs["long"]
    last = long[len(long) - 1]  # a long protocol: the signatures keep text above them
    assert boxes(last, "Руководитель РМО")[3] < PAGE_H - TOP - 20 * MM


def test_the_plan_docx_page_one_in_the_margins(pdfs: dict[str, Any]) -> None:
    page = pdfs["plan"][0]
    assert (round(page.get_width()), round(page.get_height())) == (round(PAGE_W), round(PAGE_H))
    textpage = page.get_textpage()
    lefts = [
        textpage.get_charbox(i)[0]
        for i in range(textpage.count_chars())
        if not textpage.get_text_range(i, 1).isspace()
    ]
    assert lefts and min(lefts) >= LEFT - 1 * MM
    assert any(abs(x - LEFT) < 1 * MM for x in lefts)  # text starts at the 3 cm margin
    assert text_above(page, PAGE_H - TOP + 1 * MM) == ""
