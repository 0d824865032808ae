"""Upload checks for the supplier portal: the type comes from the content, not the name."""
import io
import zipfile

# kind -> (extensions, human name)
KINDS = {
    "pdf": ((".pdf",), "PDF"),
    "png": ((".png",), "PNG image"),
    "jpeg": ((".jpg", ".jpeg"), "JPEG image"),
    "gif": ((".gif",), "GIF image"),
    "webp": ((".webp",), "WebP image"),
    "docx": ((".docx",), "Word document"),
    "xlsx": ((".xlsx",), "Excel workbook"),
    "odt": ((".odt",), "OpenDocument text"),
    "ods": ((".ods",), "OpenDocument spreadsheet"),
    "ole": ((".doc", ".xls"), "legacy Office document"),
}
DOCUMENTS = frozenset({"pdf", "png", "jpeg", "gif", "webp"})
IMAGES = frozenset({"png", "jpeg", "gif", "webp"})
REPORTS = DOCUMENTS | {"docx", "xlsx", "odt", "ods", "ole"}
MIMETYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif",
    "webp": "image/webp", "ole": "application/octet-stream",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def sniff(data):
    """The kind of file ``data`` holds, judged by its first bytes (None when unknown)."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return None


def _sniff_zip(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {"application/vnd.oasis.opendocument.text": "odt",
                        "application/vnd.oasis.opendocument.spreadsheet": "ods"}.get(mimetype)
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return "docx"
                if any(name.startswith("xl/") for name in names):
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def check_upload(filename, data, allowed, max_bytes):
    """Return (kind, None) for an acceptable file, or (None, reason) with reason one of
    'empty', 'too_large', 'type' (content not allowed) or 'mismatch' (name says another type)."""
    if not data:
        return None, "empty"
    if len(data) > max_bytes:
        return None, "too_large"
    kind = sniff(data)
    if kind not in allowed:
        return None, "type"
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension and extension not in KINDS[kind][0]:
        return None, "mismatch"
    return kind, None
