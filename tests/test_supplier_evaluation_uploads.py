"""Upload policy of the supplier portal against hostile files: zip bombs, macros, file
names (no Odoo)."""

import io
import tracemalloc
import zipfile

import pytest
from conftest import load_lib_module

uploads = load_lib_module("supplier_evaluation", "uploads")

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def archive(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def odt_bomb(mimetype_size):
    """An .odt whose ``mimetype`` member inflates to ``mimetype_size`` bytes of
    padding."""
    return archive(
        {
            "mimetype": ODT_MIMETYPE + b" " * (mimetype_size - len(ODT_MIMETYPE)),
            "content.xml": b"<office:document-content/>",
        }
    )


def test_real_odt_is_recognised():
    odt = archive(
        {"mimetype": ODT_MIMETYPE, "content.xml": b"<office:document-content/>"},
        compression=zipfile.ZIP_STORED,
    )
    assert uploads.check_upload("qc.odt", odt, uploads.REPORTS, 10_000) == ("odt", None)


def test_zip_bomb_is_refused_without_inflating_it():
    bomb = odt_bomb(64 * 1024 * 1024)  # 64 MiB of spaces in about 64 KiB
    assert len(bomb) < 100 * 1024
    tracemalloc.start()
    try:
        result = uploads.check_upload("qc.odt", bomb, uploads.REPORTS, 10 * 1024 * 1024)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result == (None, "archive")
    assert uploads.sniff(bomb) is None
    assert peak < 4 * 1024 * 1024, f"checking the file allocated {peak} bytes"


def test_member_reads_are_capped():
    bomb = zipfile.ZipFile(io.BytesIO(odt_bomb(64 * 1024 * 1024)))
    tracemalloc.start()
    try:
        data = uploads.read_member(bomb, "mimetype", uploads.MAX_MIMETYPE_BYTES)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data is None
    assert peak < 4 * 1024 * 1024, (
        f"reading 129 bytes of the member allocated {peak} bytes"
    )


def test_oversized_mimetype_member_is_never_read_whole():
    # Within the ratios (stored, not compressed) but far longer than any media type.
    padded = archive(
        {"mimetype": ODT_MIMETYPE + b" " * 4096}, compression=zipfile.ZIP_STORED
    )
    assert not uploads.is_unsafe_archive(padded)
    assert uploads.sniff(padded) is None
    assert (
        uploads.read_member(zipfile.ZipFile(io.BytesIO(padded)), "mimetype", 128)
        is None
    )


def test_ratio_limits():
    text = b"<w:t>Quality report line</w:t>" * 20_000  # about 600 KB of repetitive XML
    docx = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": text})
    assert uploads.check_upload("qc.docx", docx, uploads.REPORTS, 10 * 1024 * 1024) == (
        "docx",
        None,
    )
    many = archive(
        {f"xl/sheet{i}.xml": b"" for i in range(uploads.MAX_ARCHIVE_MEMBERS + 1)}
    )
    assert uploads.is_unsafe_archive(many)
    assert uploads.check_upload("qc.xlsx", many, uploads.REPORTS, 10 * 1024 * 1024) == (
        None,
        "archive",
    )


@pytest.mark.parametrize(
    "members, filename",
    [
        (
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b"<x/>",
                "word/vbaProject.bin": b"VBA",
            },
            "qc.docx",
        ),
        (
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<x/>",
                "xl/vbaProject.bin": b"VBA",
            },
            "qc.xlsx",
        ),
        (
            {
                "mimetype": ODT_MIMETYPE,
                "content.xml": b"<x/>",
                "Basic/Standard/Module1.xml": b"Sub",
            },
            "qc.odt",
        ),
    ],
)
def test_macro_documents_are_refused(members, filename):
    assert uploads.check_upload(
        filename, archive(members), uploads.REPORTS, 10_000
    ) == (None, "type")


def test_legacy_office_and_macro_extensions_are_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64
    for name in ("qc.doc", "qc.xls", "qc.ppt"):
        assert uploads.check_upload(name, ole, uploads.REPORTS, 10_000) == (
            None,
            "type",
        )
    docx = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x/>"})
    assert uploads.check_upload("qc.docm", docx, uploads.REPORTS, 10_000) == (
        None,
        "mismatch",
    )


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\qc report.pdf", "qc report.pdf"),
        ("invoice\u202efdp.exe", "invoice fdp.exe"),
        ("line\nbreak\t.pdf", "line break.pdf"),
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        ("...", "file"),
        ("", "file"),
        (".htaccess", "htaccess"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_safe_filename(raw, safe):
    assert uploads.safe_filename(raw) == safe
