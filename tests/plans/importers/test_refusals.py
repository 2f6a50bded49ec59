"""Bad inputs are refused with a Chinese message that says what to do."""
import io
import os
import zipfile

import pytest

from plans.importers import ImportRefused, parse_bytes, parse_path

from .conftest import CJK, build_docx, seed_path


def refused(data: bytes, filename: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        parse_bytes(data, filename)
    exc = info.value
    assert CJK.search(exc.message), exc.message
    return exc


def small_docx() -> bytes:
    return build_docx("一、总体要求\n（一）做好某项工作。具体内容。（责任单位：区发改局）\n")


def test_it_refuses_an_empty_file():
    exc = refused(b"", "plan.docx")
    assert exc.code == "empty" and "空" in exc.message


def test_it_refuses_a_whitespace_only_text_file():
    assert refused("\ufeff  \r\n\r\n".encode("utf-8"), "plan.txt").code == "empty"


def test_it_reads_a_pdf_renamed_docx_as_a_pdf_by_its_content():
    exc = refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "实施方案.docx")
    assert exc.code == "pdf_corrupt" and "PDF" in exc.message and ".docx" in exc.message


def test_it_refuses_an_old_excel_file_and_says_to_save_as_xlsx():
    exc = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "分工表.xls")
    assert exc.code == "legacy_office" and ".xls" in exc.message and "另存为" in exc.message


def test_it_refuses_an_image():
    exc = refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "方案.png")
    assert exc.code == "image" and "图片" in exc.message


def test_it_refuses_a_corrupt_zip():
    data = small_docx()
    exc = refused(data[: len(data) // 2], "方案.docx")
    assert exc.code == "corrupt" and "损坏" in exc.message


def test_it_refuses_a_zip_with_garbage_after_the_header():
    assert refused(b"PK\x03\x04" + os.urandom(2000), "方案.docx").code == "corrupt"


def test_it_refuses_a_zip_bomb_with_too_many_entries():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for i in range(2001):
            zf.writestr(f"word/media/x{i}.xml", "")
    exc = refused(buf.getvalue(), "方案.docx")
    assert exc.code == "zip_bomb"


def test_it_refuses_a_zip_bomb_by_compression_ratio_before_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(40):
                fh.write(chunk)
    assert len(buf.getvalue()) < 1 << 20
    exc = refused(buf.getvalue(), "方案.docx")
    assert exc.code == "zip_bomb" and "压缩" in exc.message


def test_it_refuses_a_zip_declaring_more_than_200_mb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"<w:p/>" * 50000
            for _ in range(700):
                fh.write(chunk)
    exc = refused(buf.getvalue(), "方案.docx")
    assert exc.code == "zip_bomb"


def test_it_refuses_an_xxe_entity_in_document_xml():
    src = zipfile.ZipFile(io.BytesIO(small_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                decl_end = xml.index("?>") + 2
                xml = (xml[:decl_end] + '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                       + xml[decl_end:]).replace("做好某项工作", "&xxe;")
                data = xml.encode("utf-8")
            zf.writestr(info, data)
    exc = refused(out.getvalue(), "方案.docx")
    assert exc.code == "xml_entity" and "DOCTYPE" in exc.message


def test_it_refuses_a_billion_laughs_in_an_xlsx():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["序号", "任务", "责任单位"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                xml = data.decode("utf-8")
                decl_end = xml.index("?>") + 2 if "?>" in xml else 0
                xml = xml[:decl_end] + '<!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + xml[decl_end:]
                data = xml.encode("utf-8")
            zf.writestr(info, data)
    assert refused(out.getvalue(), "分工表.xlsx").code == "xml_entity"


def test_it_refuses_more_than_50_mb_in_memory():
    exc = refused(b"x" * (50 * 1024 * 1024 + 1), "方案.txt")
    assert exc.code == "too_large" and "50 MB" in exc.message


def test_it_refuses_more_than_50_mb_on_disk_without_reading_it(tmp_path):
    big = tmp_path / "方案.docx"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)  # sparse: cheap to create
    with pytest.raises(ImportRefused) as info:
        parse_path(big)
    assert info.value.code == "too_large"


def test_it_refuses_a_document_without_numbered_items():
    text = "关于做好优化营商环境工作的通知\n各单位要高度重视，认真落实。\n请于月底前报送情况。\n"
    exc = refused(text.encode("utf-8"), "通知.txt")
    assert exc.code == "no_items" and "编号" in exc.message


def test_it_refuses_the_article_compilation_seed_004():
    with pytest.raises(ImportRefused) as info:
        parse_path(seed_path("004"))
    exc = info.value
    assert exc.code == "not_a_plan"
    assert "不是实施方案" in exc.message and "汇编" in exc.message


def test_it_refuses_a_compilation_without_a_table_of_contents():
    articles = []
    for k in range(5):
        articles.append(f"某某区第{k}篇经验做法\n一、主要做法\n该区持续优化营商环境，成效明显。\n"
                        "二、取得成效\n企业满意度不断提升。\n")
    exc = refused("\n".join(articles).encode("utf-8"), "材料.txt")
    assert exc.code == "not_a_plan"


def test_it_refuses_binary_junk_named_txt():
    exc = refused(bytes(range(256)) * 200, "方案.txt")
    assert exc.code in ("binary", "encoding")


def test_it_accepts_a_plan_with_a_table_of_contents_and_drops_the_toc_lines():
    text = ("XX区2025年优化营商环境三年行动方案\n目录\n一、总体要求\t1\n二、重点任务\t2\n三、保障措施\t5\n附件\t6\n"
            "一、总体要求\n（一）指导思想。坚持以人民为中心。\n二、重点任务\n1.推行并联审批。（区审批局负责）\n"
            "2.推广电子证照。（区数据局负责）\n三、保障措施\n（一）加强组织领导。\n")
    result = parse_bytes(text.encode("utf-8"), "方案.txt")
    assert [(i["label"], i["title"]) for i in result["items"]] == [("一", "总体要求"), ("二", "重点任务"), ("三", "保障措施")]
    assert [c["label"] for c in result["items"][1]["children"]] == ["1", "2"]
