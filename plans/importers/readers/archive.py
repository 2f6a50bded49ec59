"""Zip containers (.docx / .xlsx) opened defensively: entry count, declared sizes and
compression ratio checked before anything is inflated (zip bombs), every XML part parsed
through defusedxml (DOCTYPE / entities refused: XXE, billion laughs)."""
from __future__ import annotations

import io
import zipfile

from ..errors import ImportRefused
from .limits import MAX_ZIP_ENTRIES, MAX_ZIP_RATIO, MAX_ZIP_TOTAL


def open_zip_safely(data: bytes) -> zipfile.ZipFile:
    """Open a zip after checking entry count and declared sizes (zip bomb)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise ImportRefused(
            "文件已损坏，无法打开（压缩结构不完整）。请在 Word / Excel 中重新打开并另存一份后再上传。",
            "corrupt",
        ) from e
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportRefused(
            f"文件内部包含 {len(infos)} 个部件，超过安全上限 {MAX_ZIP_ENTRIES}，已拒绝导入。"
            "请在 Word / Excel 中另存为新的 .docx / .xlsx 后再上传。",
            "zip_bomb",
        )
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_ZIP_TOTAL:
        raise ImportRefused(
            f"文件解压后有 {total / 1024 / 1024:.0f} MB，超过安全上限 200 MB，已拒绝导入。"
            "请删除文件中的大图片等内容后重新上传。",
            "zip_bomb",
        )
    if total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO:
        raise ImportRefused(
            "文件的压缩比异常（疑似“压缩炸弹”），已拒绝导入。请上传正常保存的 .docx / .xlsx 文件。",
            "zip_bomb",
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.compress_size and i.file_size / i.compress_size > 1000:
            raise ImportRefused(
                "文件的压缩比异常（疑似“压缩炸弹”），已拒绝导入。请上传正常保存的 .docx / .xlsx 文件。",
                "zip_bomb",
            )
    return zf



def read_zip_member(zf: zipfile.ZipFile, name: str, limit: int = MAX_ZIP_TOTAL) -> bytes:
    try:
        with zf.open(name) as fh:
            out = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as e:
        raise ImportRefused(
            "文件已损坏，无法读取其中的内容。请在 Word / Excel 中重新打开并另存一份后再上传。", "corrupt"
        ) from e
    except Exception as e:  # zlib.error and friends  # noqa: BLE001
        raise ImportRefused(
            "文件已损坏，无法读取其中的内容。请在 Word / Excel 中重新打开并另存一份后再上传。", "corrupt"
        ) from e
    if len(out) > limit:
        raise ImportRefused("文件解压后超过安全上限 200 MB，已拒绝导入。", "zip_bomb")
    return out


def check_xml_parts(zf: zipfile.ZipFile) -> dict[str, bytes]:
    """Parse every XML part through defusedxml (DOCTYPE / ENTITY refused).

    Returns the raw bytes of the parts by name, so callers need not re-read.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring
    from xml.etree.ElementTree import ParseError

    parts = {}
    for info in zf.infolist():
        name = info.filename
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        raw = read_zip_member(zf, name)
        parts[name] = raw
        try:
            fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as e:
            raise ImportRefused(
                f"文件内部的 XML（{name}）含有 DOCTYPE / 实体声明，这是常见的攻击手法，已拒绝导入。"
                "请在 Word / Excel 中另存为新的 .docx / .xlsx 后再上传。",
                "xml_entity",
            ) from e
        except (ParseError, ValueError) as e:
            raise ImportRefused(
                f"文件已损坏（{name} 不是有效的 XML）。请在 Word / Excel 中重新打开并另存一份后再上传。",
                "corrupt",
            ) from e
    return parts

