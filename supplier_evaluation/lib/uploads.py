"""Upload checks for the supplier portal: the type comes from the content, not the
name."""

import io
import re
import unicodedata
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
    "ole": ((".doc", ".xls", ".ppt"), "legacy Office document"),
}
DOCUMENTS = frozenset({"pdf", "png", "jpeg", "gif", "webp"})
IMAGES = frozenset({"png", "jpeg", "gif", "webp"})
# Legacy Office files ("ole") are recognised but never accepted: they carry VBA macros
# that no check here can rule out. Macro-enabled OOXML/ODF files are not recognised at
# all (see _sniff_zip).
REPORTS = DOCUMENTS | {"docx", "xlsx", "odt", "ods"}
MIMETYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "ole": "application/octet-stream",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def megabytes(size_mb):
    """A size in MB (as configured) in bytes."""
    return int(size_mb * 1024 * 1024)


def kind_names(allowed):
    """The human names of the ``allowed`` kinds, for messages."""
    return ", ".join(sorted(KINDS[kind][1] for kind in allowed))


def sniff(data):
    """The kind of file ``data`` holds, judged by its first bytes (None when
    unknown)."""
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


# Archive limits. Office XML compresses about 5-20x and a whole .docx/.xlsx rarely
# beyond 30x; a zip bomb compresses 1000x and more. Member sizes are the declared ones,
# which zipfile also enforces while reading, so a member cannot inflate past what was
# checked here.
MAX_ARCHIVE_MEMBERS = 5000
MAX_MEMBER_RATIO = 200
MAX_ARCHIVE_RATIO = 100
MAX_ARCHIVE_UNCOMPRESSED = 512 * 1024 * 1024
MAX_MIMETYPE_BYTES = 128
# Parts that hold macros (VBA in OOXML, Basic or scripts in ODF): such files are not
# accepted.
MACRO_PARTS = re.compile(r"(^|/)vbaProject\.bin$|^Basic/|^Scripts/", re.IGNORECASE)


def archive_is_safe(archive, archive_size):
    """Whether the members' declared sizes and compression ratios look like a real
    document."""
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        return False
    total = 0
    for member in members:
        total += member.file_size
        if (
            member.file_size > MAX_MEMBER_RATIO * max(member.compress_size, 1)
            and member.file_size > 1024 * 1024
        ):
            return False
    return (
        total <= MAX_ARCHIVE_UNCOMPRESSED
        and total <= MAX_ARCHIVE_RATIO * max(archive_size, 1) + 1024 * 1024
    )


def read_member(archive, name, limit):
    """At most ``limit`` bytes of an archive member, or None when it holds more."""
    with archive.open(name) as member:
        data = member.read(limit + 1)
    return data if len(data) <= limit else None


def _sniff_zip(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not archive_is_safe(archive, len(data)):
                return None
            names = set(archive.namelist())
            if any(MACRO_PARTS.search(name) for name in names):
                return None
            if "mimetype" in names:
                mimetype = read_member(archive, "mimetype", MAX_MIMETYPE_BYTES)
                if mimetype is None:
                    return None
                return {
                    "application/vnd.oasis.opendocument.text": "odt",
                    "application/vnd.oasis.opendocument.spreadsheet": "ods",
                }.get(mimetype.decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return "docx"
                if any(name.startswith("xl/") for name in names):
                    return "xlsx"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ):
        return None
    return None


MAX_FILENAME_LENGTH = 120


def safe_filename(filename, default="file"):
    """A file name safe to store and offer for download: no folders, no control or
    direction characters (which can disguise ``exe.pdf`` as ``fdp.exe``), no leading
    dots, bounded length; the extension is kept."""
    name = unicodedata.normalize("NFC", str(filename or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char
        for char in name
    )
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return default
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 10:
        return (
            stem[: MAX_FILENAME_LENGTH - len(extension) - 1].rstrip(" .")
            + "."
            + extension
        )
    return name[:MAX_FILENAME_LENGTH]


def is_unsafe_archive(data):
    """Whether ``data`` is a zip archive whose sizes no real document has (a
    decompression bomb)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return not archive_is_safe(archive, len(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False  # not a readable archive: sniff() refuses it as an unknown type


def check_upload(filename, data, allowed, max_bytes):
    """Return (kind, None) for an acceptable file, or (None, reason) with reason one of
    'empty', 'too_large', 'archive' (a compressed file no real document looks like),
    'type' (content not allowed) or 'mismatch' (name says another type)."""
    if not data:
        return None, "empty"
    if len(data) > max_bytes:
        return None, "too_large"
    if is_unsafe_archive(data):
        return None, "archive"
    kind = sniff(data)
    if kind not in allowed:
        return None, "type"
    extension = (
        "." + filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    )
    if extension and extension not in KINDS[kind][0]:
        return None, "mismatch"
    return kind, None
