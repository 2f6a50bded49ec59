"""Uploads and exports: random stored names, no /media/ route, downloads only through checked views."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from config.files import RandomName
from plans.importers import parse_bytes
from publishing.services import plan_import
from supervision.exports.models import ExportJob
from tasks.services import evidence_attach
from tests.factories import MeasureFactory, TaskFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RANDOM = re.compile(r"^[a-z]+/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z]+$")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def evidence(cast):
    task = TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    return evidence_attach(task=task, actor=cast.staff,
                           upload=SimpleUploadedFile("完成情况说明.pdf", PDF, content_type="application/pdf"))


def test_it_stores_files_under_random_names(evidence):
    assert RANDOM.match(evidence.file.name), evidence.file.name
    assert "完成情况" not in evidence.file.name
    assert RandomName("x")(None, "../../etc/passwd").startswith("x/")
    assert ".." not in RandomName("x")(None, "a.pdf/../../b")


def test_it_has_no_media_route_even_with_debug_on(evidence):
    import importlib

    import config.urls

    with override_settings(DEBUG=True):
        importlib.reload(config.urls)
        clear_url_caches()  # a resolver built earlier would still hold the old patterns
        try:
            with pytest.raises(Resolver404):
                resolve(f"/media/{evidence.file.name}")
        finally:
            importlib.reload(config.urls)
            clear_url_caches()


def test_it_serves_evidence_only_to_those_who_see_the_task(client, cast, evidence):
    url = f"/tasks/evidence/{evidence.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(cast.other_staff)
    assert client.get(url).status_code == 404
    client.force_login(cast.staff)
    resp = client.get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF
    assert "attachment" in resp["Content-Disposition"]
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


def test_it_serves_the_uploaded_plan_only_to_those_who_see_the_plan(client, cast):
    from plans.choices import Role
    from tests.factories import RegionFactory, UnitFactory, member

    data = "关于印发某区优化营商环境实施方案的通知\n一、提升政务服务效能\n（一）推进全程网办。（责任单位：区数据局）\n".encode()
    plan = plan_import(tree=parse_bytes(data, "方案.txt", known_units=["区数据局"]), region=cast.region,
                       source_name="方案.txt", source_bytes=data).plan
    assert RANDOM.match(plan.source_file.name)
    elsewhere = member(UnitFactory(region=RegionFactory(name="别处", code="999999")), Role.STAFF, username="far")
    client.force_login(elsewhere)
    assert client.get(f"/plans/{plan.pk}/source/").status_code == 404
    client.force_login(cast.admin)
    resp = client.get(f"/plans/{plan.pk}/source/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == data


def test_it_serves_an_export_only_to_the_supervisor_who_made_it(client, cast):
    from django.core.files.base import ContentFile

    job = ExportJob.objects.create(kind=ExportJob.Kind.LEDGER, created_by=cast.supervisor, params={},
                                   status=ExportJob.Status.DONE, filename="督办台账.xlsx")
    job.file.save("督办台账.xlsx", ContentFile(b"xlsx-bytes"))
    assert RANDOM.match(job.file.name)
    url = f"/dashboard/exports/{job.pk}/download/"
    client.force_login(cast.admin)
    assert client.get(url).status_code == 404
    client.force_login(cast.supervisor)
    assert b"".join(client.get(url).streaming_content) == b"xlsx-bytes"


def test_it_hands_the_bytes_to_nginx_with_x_accel_redirect(client, cast, evidence, settings):
    settings.PROTECTED_FILES_SERVER = "nginx"
    settings.PROTECTED_FILES_INTERNAL_URL = "/protected-files/"
    client.force_login(cast.staff)
    resp = client.get(f"/tasks/evidence/{evidence.pk}/")
    assert resp.status_code == 200 and resp.content == b""
    assert resp["X-Accel-Redirect"] == f"/protected-files/{evidence.file.name}"
    assert resp["Content-Type"] == "application/pdf" and "attachment" in resp["Content-Disposition"]
    client.force_login(cast.other_staff)
    assert not client.get(f"/tasks/evidence/{evidence.pk}/").has_header("X-Accel-Redirect")
    settings.PROTECTED_FILES_SERVER = "apache"
    client.force_login(cast.staff)
    assert client.get(f"/tasks/evidence/{evidence.pk}/")["X-Sendfile"] == evidence.file.path
