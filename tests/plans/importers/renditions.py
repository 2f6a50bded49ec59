"""Test files made at test time: a short plan as .docx (python-docx), and LibreOffice's .pdf and
.doc of it; small hand-written PDFs for the refusals (a scan, an encrypted file, a bomb)."""
from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path

PLAN_TITLE = "某县2025年优化营商环境攻坚行动方案"
INTRO = ("为进一步优化营商环境，激发各类经营主体活力，结合我县实际，制定本方案。本段文字有意写得较长，"
         "使它在页面上折成几行，检验读取时能否把折行拼回同一个段落，而不是拆成几段。")
TABLE_HEADER = ["序号", "具体措施", "牵头单位", "完成时限"]
TABLE_ROWS = [
    ["1", "推行企业开办“一网通办”，全程网上办理，企业开办时间压缩至1个工作日以内。", "县市场监管局", "2025年6月底前"],
    ["2", "推进工程建设项目审批制度改革，审批时间压缩至60个工作日以内。", "县住建局", "2025年9月底前"],
    ["3", "深化“双随机、一公开”监管，涉企检查次数同比下降20%。", "县司法局", "2025年12月底前"],
    ["4", "推广电子证照应用，高频证照电子化率达到90%以上。", "县数据局", "2025年10月底前"],
]
MEASURES = [r[1] for r in TABLE_ROWS]
HEADER_TEXT = "某县人民政府办公室"


def build_plan_docx(*, filler: int = 0) -> bytes:
    """The plan: title, intro, numbered headings, a ruled table of measures, a header line and a
    page number in the footer; ``filler`` paragraphs push the table across a page break."""
    import docx
    from docx.oxml import parse_xml

    doc = docx.Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = HEADER_TEXT
    footer = section.footer.paragraphs[0]
    footer._p.append(parse_xml(
        '<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:instr="PAGE">'
        '<w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    doc.add_paragraph(PLAN_TITLE)
    doc.add_paragraph(INTRO)
    doc.add_paragraph("一、工作目标")
    doc.add_paragraph("到2025年底，企业开办时间压缩至1个工作日以内，政务服务事项网上可办率达到95%以上。")
    import cn2an

    for k in range(filler):
        doc.add_paragraph(f"（{cn2an.an2cn(k + 1)}）工作要求{k + 1}。各乡镇、各部门要认真落实本方案，"
                          "按照职责分工细化工作举措，确保各项任务按时完成。")
    doc.add_paragraph("二、重点任务")
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"  # ruled: the PDF reader finds tables by their lines
    for cell, text in zip(table.rows[0].cells, TABLE_HEADER):
        cell.text = text
    for row in TABLE_ROWS:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    doc.add_paragraph("三、保障措施")
    doc.add_paragraph("（一）加强组织领导。成立工作专班，统筹推进各项任务。（责任单位：县发改局）")
    import io

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def soffice_convert(data: bytes, suffix: str, target: str) -> bytes:
    """LibreOffice's rendition of ``data`` (e.g. docx -> pdf / doc), in a throw-away profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed to make the .pdf / .doc fixtures"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"plan.{suffix}"
        src.write_bytes(data)
        subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", target, "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=180)
        return (Path(tmp) / f"plan.{target.split(':')[0]}").read_bytes()


@functools.lru_cache(maxsize=None)
def plan_file(fmt: str) -> bytes:
    """The plan as "docx", "pdf" (two pages; the table, and one of its rows, cut by the page
    break) or "doc"; made once per process."""
    docx_bytes = build_plan_docx(filler=11)
    if fmt == "docx":
        return docx_bytes
    return soffice_convert(docx_bytes, "docx", {"pdf": "pdf", "doc": "doc:MS Word 97"}[fmt])


# ----------------------------------------------------------------------------- hand-made PDFs
def make_pdf(objects: list[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """A PDF from object bodies (object 1 must be the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf(lines: list[str], pages: int = 1) -> bytes:
    """ASCII text in Helvetica on ``pages`` pages (enough for structural tests)."""
    content = b"BT /F1 12 Tf 72 720 Td " + b" ".join(b"(%s) Tj 0 -16 Td" % ln.encode() for ln in lines) + b" ET"
    n_page0 = 5
    kids = b" ".join(b"%d 0 R" % (n_page0 + k) for k in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(content),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                b"/Contents 4 0 R >>"] * pages
    return make_pdf(objects)


def scanned_pdf() -> bytes:
    """One page that is only an image (a grey 40x40 scan), no text at all."""
    pixels = bytes([180]) * 40 * 40
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        _stream(pixels, b"/Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceGray "
                        b"/BitsPerComponent 8", compress=True),
        _stream(b"q 500 0 0 700 40 60 cm /Im1 Do Q"),
    ]
    return make_pdf(objects)


def encrypted_pdf() -> bytes:
    """A text PDF under the standard security handler with a user password we do not know:
    what any password-protected PDF looks like to a reader without the password."""
    body = text_pdf(["secret plan"])
    enc = (b"<< /Filter /Standard /V 1 /R 2 /O <" + b"3f" * 32 + b"> /U <" + b"a7" * 32 + b"> /P -3904 >>")
    head, _, _ = body.partition(b"xref\n")
    n = head.count(b" 0 obj\n") + 1
    objects = [head.split(b" 0 obj\n")[k + 1].split(b"\nendobj\n")[0] for k in range(n - 1)] + [enc]
    return make_pdf(objects, trailer_extra=b"/Encrypt %d 0 R /ID [<%s> <%s>]" % (n, b"01" * 16, b"01" * 16))


def bomb_pdf(megabytes: int = 200) -> bytes:
    """A page whose content stream is a few hundred KB deflated and ``megabytes`` inflated."""
    content = b"0 0 m " * (megabytes * 1024 * 1024 // 6)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(content, compress=True),
    ]
    return make_pdf(objects)
