"""Upload checks and charts of the supplier portal (no Odoo)."""

import io
import re
import zipfile

import pytest
from conftest import load_lib_module

uploads = load_lib_module("supplier_evaluation", "uploads")
charts = load_lib_module("supplier_evaluation", "charts")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32


def office(kind):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>"
        )
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpeg"),
        (b"GIF89a" + b"\0" * 10, "gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "webp"),
        (office("docx"), "docx"),
        (office("xlsx"), "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8, "ole"),
        (b"MZ\x90\0 an exe", None),
        (b"PK\x03\x04 not really a zip", None),
        (b"", None),
    ],
)
def test_sniff(data, kind):
    assert uploads.sniff(data) == kind


def test_check_upload_accepts_by_content():
    assert uploads.check_upload("report.pdf", PDF, uploads.DOCUMENTS, 1000) == (
        "pdf",
        None,
    )
    assert uploads.check_upload("photo.JPG", JPEG, uploads.IMAGES, 1000) == (
        "jpeg",
        None,
    )
    assert uploads.check_upload("noextension", PNG, uploads.IMAGES, 1000) == (
        "png",
        None,
    )
    assert (
        uploads.check_upload("qc.docx", office("docx"), uploads.REPORTS, 10_000)[0]
        == "docx"
    )


def test_check_upload_refusals():
    assert uploads.check_upload("a.pdf", b"", uploads.DOCUMENTS, 1000) == (
        None,
        "empty",
    )
    assert uploads.check_upload("a.pdf", PDF, uploads.DOCUMENTS, 10) == (
        None,
        "too_large",
    )
    # A program renamed to .pdf is refused by content.
    assert uploads.check_upload(
        "invoice.pdf", b"MZ\x90\0 program", uploads.DOCUMENTS, 1000
    ) == (None, "type")
    # A real PDF where only images are allowed.
    assert uploads.check_upload("photo.png", PDF, uploads.IMAGES, 1000) == (
        None,
        "type",
    )
    # A PNG that calls itself a PDF.
    assert uploads.check_upload("fake.pdf", PNG, uploads.DOCUMENTS, 1000) == (
        None,
        "mismatch",
    )
    # Office documents only for reports.
    assert uploads.check_upload(
        "qc.docx", office("docx"), uploads.DOCUMENTS, 10_000
    ) == (None, "type")


def test_sparkline():
    svg = charts.sparkline_svg(
        [1, 2, None, 4], labels=["a", "b", "c", "d"], title="Total <score>"
    )
    assert svg.startswith("<svg") and "polyline" in svg
    assert "Total &lt;score&gt;" in svg
    assert svg.count("<circle") == 3
    assert charts.sparkline_svg([5]) == ""
    assert charts.sparkline_svg([float("nan"), 3]) == ""
    flat = charts.sparkline_svg([2, 2, 2])
    points = re.search(r'points="([^"]*)"', flat).group(1).split()
    assert (
        len(points) == 3 and len({point.split(",")[1] for point in points}) == 1
    )  # one height
    assert "nan" not in flat
    assert 'width="100%"' not in flat and 'width="240"' in flat


def test_fluid_sparkline_shrinks_to_its_container():
    svg = charts.sparkline_svg([1, 3, 2], width=480, height=90, fluid=True)
    head = svg[: svg.index(">")]
    assert 'viewBox="0 0 480 90"' in head
    assert 'width="100%"' in head and "max-width: 480px" in head
    assert 'width="480"' not in head and 'height="90"' not in head
